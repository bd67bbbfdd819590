import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type BenchContext, percentile, registerBench } from '../../bench/harness.js';
import { createRng as random } from '../../bench/policy-mix.js';
import { labelToMarking, withPortions } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { createNode, openNode, type ReltoNode } from '../index.js';
import type { Person, SearchRequest } from '../service.js';

/*
 * Search p99 over 100,000 items (issue 3 acceptance), measured honestly: the ATT&CK ICS bundle posted ~55
 * times with new ids (realistic sizes: relationships of one line beside techniques of several paragraphs)
 * under a mix of labels — CONFIDENTIAL and SECRET floors on two topics, TOP SECRET, CONFIDENTIAL floors
 * with a SECRET description, SECRET portions or a SECRET name (which makes the object absent for a
 * CONFIDENTIAL reader) — searched by `analyst` (II) and `analyst-low` (III) with words of every frequency
 * (in nearly every item, in a few percent, in a handful), pairs of words and filters. Wall time and this
 * process's CPU time per query are both reported: the machine is shared, and the wall clock counts the time
 * other processes held the CPU.
 *
 * RELTO_SEARCH_CORPUS=DIR keeps the corpus (a node data folder per dialect) in DIR and reuses it next time.
 */

const TARGET_ITEMS = 100_000;
const QUERIES = 240;
// Beside the repository (`../shared/data/attack/`), from the compiled tree or the working directory.
const ICS_PATH = [
  fileURLToPath(new URL('../../../../shared/data/attack/ics-attack-18.1.json', import.meta.url)),
  resolve('../shared/data/attack/ics-attack-18.1.json'),
].find((p) => existsSync(p))!;

const kor = (classification: string, topics: string[]) => ({ originator: 'KOR', classification, topics });
const MARKINGS = {
  cMissile: labelToMarking(kor('III', ['DPRK-MISSILE'])) as unknown as StixObject,
  cNuclear: labelToMarking(kor('III', ['DPRK-NUCLEAR'])) as unknown as StixObject,
  sMissile: labelToMarking(kor('II', ['DPRK-MISSILE'])) as unknown as StixObject,
  sNuclear: labelToMarking(kor('II', ['DPRK-NUCLEAR'])) as unknown as StixObject,
  tsMissile: labelToMarking(kor('I', ['DPRK-MISSILE'])) as unknown as StixObject,
};
/** A word only SECRET text carries: a CONFIDENTIAL reader must never find it. */
const SECRET_WORD = 'zulusecretword';

const PEOPLE = [
  { name: 'analyst', password: 'analyst-password', clearance: 'II' },
  { name: 'analyst-low', password: 'low-password', clearance: 'III' },
];
const POSTER = { name: 'poster', password: 'poster-password', clearance: 'I' };

function icsObjects(): StixObject[] {
  const b = JSON.parse(readFileSync(ICS_PATH, 'utf8')) as { objects: StixObject[] };
  return b.objects.filter((o) => o.type !== 'marking-definition');
}

const ID = /"([a-z0-9-]+)--([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g;

/** Copy `copy` of the objects with every id and reference renewed (marking-definitions excepted). */
function renew(objects: readonly StixObject[], copy: number): StixObject[] {
  const prefix = (copy + 1).toString(16).padStart(8, '0');
  return JSON.parse(
    JSON.stringify(objects).replace(ID, (whole, type: string, _h: string, tail: string) =>
      type === 'marking-definition' ? whole : `"${type}--${prefix}${tail}"`,
    ),
  ) as StixObject[];
}

/** The label mix: a deterministic share of objects per labelling, varied per copy. */
function labelled(o: StixObject, k: number): StixObject {
  const r = Math.imul(k + 1, 2654435761) >>> 0;
  const slot = r % 100;
  const floor = (m: StixObject) => ({ ...o, object_marking_refs: [m.id] });
  if (slot < 45) return floor(MARKINGS.cMissile);
  if (slot < 55) return floor(MARKINGS.cNuclear);
  if (slot < 68) return floor(MARKINGS.sMissile);
  if (slot < 73) return floor(MARKINGS.sNuclear);
  if (slot < 76) return floor(MARKINGS.tsMissile);
  const base = floor(slot < 98 ? MARKINGS.cMissile : MARKINGS.cNuclear);
  if (slot < 86 && typeof o.description === 'string') {
    return {
      ...base,
      granular_markings: [{ selectors: ['description'], marking_ref: MARKINGS.sMissile.id }],
    };
  }
  if (slot < 88 && typeof o.name === 'string') {
    // A SECRET name on a type that requires one: the whole object is absent for a CONFIDENTIAL reader.
    return { ...base, granular_markings: [{ selectors: ['name'], marking_ref: MARKINGS.sMissile.id }] };
  }
  const text = typeof o.description === 'string' ? o.description : String(o.name ?? o.type);
  const cut = Math.max(1, Math.floor(text.length / 2));
  return withPortions(base, [
    { text: text.slice(0, cut) },
    { text: `${text.slice(cut)} ${SECRET_WORD}`, marking: MARKINGS.sMissile.id },
  ]);
}

interface Corpus {
  node: ReltoNode;
  items: number;
  close: () => Promise<void>;
}

async function openCorpus(
  ctx: BenchContext,
  dialect: 'sqlite' | 'postgres',
  pgUrl?: string,
): Promise<Corpus> {
  const keep = process.env.RELTO_SEARCH_CORPUS;
  const dataDir = keep ? join(keep, dialect) : mkdtempSync(join(tmpdir(), `relto-search-${dialect}-`));
  const done = join(dataDir, 'corpus.json');
  const schema = keep ? `relto_search_bench` : `relto_search_${process.pid}_${Date.now()}`;
  const dropSchema = async () => {
    if (!pgUrl) return;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  };
  if (keep && existsSync(done)) {
    const node = await openNode({ dataDir, ...(pgUrl ? { pgUrl } : {}) });
    const { items } = JSON.parse(readFileSync(done, 'utf8')) as { items: number };
    ctx.log(`${dialect}: reusing the corpus of ${items} items in ${dataDir}`);
    return { node, items, close: () => node.close() };
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  await dropSchema();
  await createNode({ dataDir, party: 'KOR', ...(pgUrl ? { pgUrl, pgSchema: schema } : {}) });
  const node = await openNode({ dataDir, ...(pgUrl ? { pgUrl } : {}) });
  // The poster holds TOP SECRET clearance: nobody may post what they may not read themselves.
  for (const p of [...PEOPLE, POSTER]) await node.admin.addUser({ ...p, roles: ['analyst'] });
  const poster = (await node.authenticateBasic(POSTER.name, POSTER.password))!;
  const base = icsObjects();
  const start = Date.now();
  let items = 0;
  let k = 0;
  for (let copy = 0; items < TARGET_ITEMS; copy += 2) {
    const batch = [0, 1].flatMap((c) => renew(base, copy + c)).map((o) => labelled(o, k++));
    // A refused post throws, naming the objects at fault.
    await node.postObjects(poster, [...Object.values(MARKINGS), ...batch]);
    items += batch.length;
  }
  ctx.log(`${dialect}: ${items} items posted in ${Math.round((Date.now() - start) / 1000)} s`);
  if (keep) writeFileSync(done, JSON.stringify({ items }));
  return {
    node,
    items,
    close: async () => {
      await node.close();
      if (keep) return;
      rmSync(dataDir, { recursive: true, force: true });
      await dropSchema();
    },
  };
}

/** Words of the searchable text of the base objects, by how many objects hold them. */
function vocabulary(objects: readonly StixObject[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const o of objects) {
    const text = [o.name, o.description].filter((t) => typeof t === 'string').join(' ');
    const words = new Set(
      text
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    );
    for (const w of words) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return df;
}

/** The query mix: a quarter each of frequent, medium and rare words, the rest pairs and filtered queries. */
function queries(): { request: SearchRequest; kind: string }[] {
  const base = icsObjects();
  const df = [...vocabulary(base)].filter(([w]) => w.length > 3 && !/^\d+$/.test(w));
  const n = base.length;
  const frequent = df.filter(([, c]) => c > n * 0.05).map(([w]) => w);
  const medium = df.filter(([, c]) => c >= n * 0.005 && c <= n * 0.05).map(([w]) => w);
  const rare = df.filter(([, c]) => c <= 3).map(([w]) => w);
  const rnd = random(3);
  const pick = (list: string[]) => list[Math.floor(rnd() * list.length)]!;
  const out: { request: SearchRequest; kind: string }[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const slot = i % 8;
    if (slot < 2) out.push({ kind: 'frequent', request: { text: pick(frequent), limit: 20 } });
    else if (slot < 4) out.push({ kind: 'medium', request: { text: pick(medium), limit: 20 } });
    else if (slot < 6) out.push({ kind: 'rare', request: { text: pick(rare), limit: 20 } });
    else if (slot === 6)
      out.push({ kind: 'pair', request: { text: `${pick(medium)} ${pick(frequent)}`, limit: 20 } });
    else {
      const filters: Partial<SearchRequest>[] = [
        { types: ['attack-pattern'] },
        { level: 'C' },
        { topics: ['DPRK-NUCLEAR'] },
        { offset: 40 },
        { text: SECRET_WORD },
      ];
      out.push({
        kind: 'filtered',
        request: { text: pick(frequent), limit: 20, ...filters[i % filters.length] },
      });
    }
  }
  return out;
}

async function measure(ctx: BenchContext, dialect: 'sqlite' | 'postgres', pgUrl?: string): Promise<void> {
  const corpus = await openCorpus(ctx, dialect, pgUrl);
  const label = dialect === 'sqlite' ? 'SQLite FTS5' : 'PostgreSQL tsvector';
  try {
    const readers: Person[] = [];
    for (const p of PEOPLE) readers.push((await corpus.node.authenticateBasic(p.name, p.password))!);
    const qs = queries();
    // Warm-up: the first searches compile the paths and fill the caches of the label book.
    for (const q of qs.slice(0, 10)) for (const r of readers) await corpus.node.search(r, q.request);
    const wall: number[] = [];
    const cpu: number[] = [];
    const byKind = new Map<string, number[]>();
    const cpuByKind = new Map<string, number[]>();
    for (const [i, q] of qs.entries()) {
      const reader = readers[i % readers.length]!;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const res = await corpus.node.search(reader, q.request);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const c = process.cpuUsage(c0);
      wall.push(ms);
      cpu.push((c.user + c.system) / 1000);
      byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), ms]);
      cpuByKind.set(q.kind, [...(cpuByKind.get(q.kind) ?? []), cpu[cpu.length - 1]!]);
      if (reader.clearance === 'III' && q.request.text === SECRET_WORD && res.total !== 0) {
        throw new Error(`analyst-low found ${res.total} items by a SECRET-only word`);
      }
    }
    const subject = `node.search over ${corpus.items} items (${label})`;
    ctx.record(subject, 'search p99 ms (target < 50)', percentile(wall, 99));
    ctx.record(subject, 'search p50 ms', percentile(wall, 50));
    ctx.record(subject, 'search CPU p99 ms (this process)', percentile(cpu, 99));
    ctx.record(subject, 'search CPU p50 ms (this process)', percentile(cpu, 50));
    for (const [kind, list] of byKind) {
      const c = cpuByKind.get(kind)!;
      ctx.log(
        `${dialect} ${kind}: wall p50 ${percentile(list, 50).toFixed(1)} ms, p99 ${percentile(list, 99).toFixed(1)} ms; CPU p50 ${percentile(c, 50).toFixed(1)} ms, p99 ${percentile(c, 99).toFixed(1)} ms (${list.length})`,
      );
    }
  } finally {
    await corpus.close();
  }
}

registerBench('node:search', async (ctx) => {
  // RELTO_SEARCH_ONLY=sqlite|postgres measures one store only.
  const only = process.env.RELTO_SEARCH_ONLY;
  if (only !== 'postgres') await measure(ctx, 'sqlite');
  const pgUrl = process.env.RELTO_PG_URL;
  if (only === 'sqlite') return;
  if (pgUrl) await measure(ctx, 'postgres', pgUrl);
  else ctx.log('RELTO_PG_URL not set: PostgreSQL figures skipped');
});
