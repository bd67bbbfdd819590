import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { type BenchContext, percentile, registerBench } from '../bench/harness.js';
import type { ReltoNode } from '../node/index.js';
import { createStixValidator, loadOasisSchemas, type StixValidator } from '../stix/index.js';
import type { StixObject } from '../store/index.js';
import { buildApp, type ReltoApp } from './app.js';
import { TAXII_MEDIA_TYPE } from './taxii/media.js';
import { apiRootPath } from './taxii/routes.js';
import { basic, LOW_MARKING, labelledIcsObjects, PEOPLE, renewIds } from './test-support/fixtures.js';
import { PG_URL, realNode } from './test-support/nodes.js';

/*
 * Benchmarks of the node's HTTP edge (issue 3): objects/s posted through TAXII beside ajv + raw inserts,
 * TAXII GET of 100-object pages beside a bare Fastify route, search p99 over 100,000 items, audit appends/s.
 * Every bench drives the real node (SQLite; PostgreSQL too where asked and RELTO_PG_URL is set), in-process
 * through `app.inject` (no socket: the HTTP stack without the kernel's), and bounds its own time.
 */

const ICS = labelledIcsObjects().slice(1); // without the label: each post carries it once
const PER_COPY = ICS.length;

/**
 * The baselines' ajv: the OASIS files compiled exactly as published (the node compiles an equivalent, faster
 * form of them; the baseline stays what it was).
 */
let publishedValidator: StixValidator | undefined;
function baselineValidator(): StixValidator {
  publishedValidator ??= createStixValidator(loadOasisSchemas(), { typeUnions: false });
  return publishedValidator;
}

/** Objects/s over wall time and over this process's CPU time (what other processes' load does not inflate). */
interface Rate {
  wall: number;
  cpu: number;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

function envelopeOf(copy: number): string {
  return JSON.stringify({ objects: [LOW_MARKING, ...renewIds(ICS, copy)] });
}

async function withNode<T>(
  dialect: 'sqlite' | 'postgres',
  fn: (node: ReltoNode, app: ReltoApp) => Promise<T>,
): Promise<T> {
  const made = await realNode(dialect);
  const app = await buildApp(made.node);
  await app.ready();
  try {
    return await fn(made.node, app);
  } finally {
    await app.close();
    await made.cleanup();
  }
}

function objectsUrl(node: ReltoNode): string {
  return `${apiRootPath(node.party)}collections/${node.collectionId}/objects/`;
}

/** Posts `copies` renewed copies of the ICS bundle (one request each); returns objects/s over the timed ones. */
async function postThroughTaxii(
  ctx: BenchContext,
  node: ReltoNode,
  app: ReltoApp,
  copies: number,
): Promise<Rate> {
  const url = objectsUrl(node);
  const bodies = Array.from({ length: copies + 1 }, (_, i) => envelopeOf(1000 + i));
  let objects = 0;
  let seconds = 0;
  let cpu = 0;
  for (let i = 0; i < bodies.length; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const res = await app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': TAXII_MEDIA_TYPE,
        accept: TAXII_MEDIA_TYPE,
        authorization: basic('analyst'),
      },
      payload: bodies[i],
    });
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    const c = cpuSince(cpuStart);
    if (res.statusCode !== 202)
      throw new Error(`TAXII POST answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (i === 0) continue; // warm-up: first compile of every path
    objects += PER_COPY + 1;
    seconds += s;
    cpu += c;
    ctx.log(
      `post ${i}/${copies}: ${Math.round((PER_COPY + 1) / s)} objects/s, ${Math.round((PER_COPY + 1) / c)} per CPU-s`,
    );
  }
  return { wall: objects / seconds, cpu: objects / cpu };
}

/** The baseline: the same objects validated against the OASIS schemas with ajv and inserted raw, one transaction. */
function baselineSqlite(copies: number): Rate {
  const dir = mkdtempSync(join(tmpdir(), 'relto-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE objects (id TEXT NOT NULL, version TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (id, version))',
  );
  const insert = db.prepare('INSERT OR IGNORE INTO objects (id, version, json) VALUES (?, ?, ?)');
  const validator = baselineValidator();
  const bodies = Array.from({ length: copies }, (_, i) => envelopeOf(2000 + i));
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const body of bodies) {
    const objects = (JSON.parse(body) as { objects: StixObject[] }).objects;
    for (const o of objects) {
      if (validator.validateObject(o).length > 0) throw new Error(`invalid ${o.id}`);
    }
    db.transaction(() => {
      for (const o of objects) insert.run(o.id, String(o.modified ?? o.created ?? ''), JSON.stringify(o));
    })();
    n += objects.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = cpuSince(cpuStart);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { wall: n / seconds, cpu: n / cpu };
}

async function baselinePostgres(copies: number): Promise<Rate> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const table = `relto_bench_raw_${process.pid}`;
  await client.query(
    `CREATE TABLE ${table} (id text NOT NULL, version text NOT NULL, json jsonb NOT NULL, PRIMARY KEY (id, version))`,
  );
  const validator = baselineValidator();
  const bodies = Array.from({ length: copies }, (_, i) => envelopeOf(3000 + i));
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  try {
    for (const body of bodies) {
      const objects = (JSON.parse(body) as { objects: StixObject[] }).objects;
      for (const o of objects) {
        if (validator.validateObject(o).length > 0) throw new Error(`invalid ${o.id}`);
      }
      await client.query('BEGIN');
      // multi-row inserts of 500 (PostgreSQL's parameter limit is 65,535)
      for (let i = 0; i < objects.length; i += 500) {
        const chunk = objects.slice(i, i + 500);
        const values = chunk.map((_, j) => `($${3 * j + 1}, $${3 * j + 2}, $${3 * j + 3})`).join(',');
        const params = chunk.flatMap((o) => [o.id, String(o.modified ?? o.created ?? ''), JSON.stringify(o)]);
        await client.query(
          `INSERT INTO ${table} (id, version, json) VALUES ${values} ON CONFLICT DO NOTHING`,
          params,
        );
      }
      await client.query('COMMIT');
      n += objects.length;
    }
    return { wall: n / (Number(process.hrtime.bigint() - start) / 1e9), cpu: n / cpuSince(cpuStart) };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  }
}

/** The same posts straight into NodeService.postObjects (no HTTP): where the time goes. */
async function postDirect(node: ReltoNode, copies: number): Promise<Rate> {
  const person = (await node.authenticateBasic(
    'analyst',
    PEOPLE.find((p) => p.name === 'analyst')!.password,
  ))!;
  const batches = Array.from({ length: copies + 1 }, (_, i) => [LOW_MARKING, ...renewIds(ICS, 4000 + i)]);
  await node.postObjects(person, batches[0]!);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const b of batches.slice(1)) await node.postObjects(person, b);
  const n = copies * (PER_COPY + 1);
  return { wall: n / (Number(process.hrtime.bigint() - start) / 1e9), cpu: n / cpuSince(cpuStart) };
}

registerBench('http:taxii-post', async (ctx) => {
  // Eight posts of the bundle (after one warm-up): fewer let one slow post move the figure by a tenth.
  const copies = 8;
  // Per CPU-second counts this process only (PostgreSQL's server works in its own processes).
  const record = (subject: string, unit: string, r: Rate) => {
    ctx.record(subject, unit, r.wall);
    ctx.record(subject, 'objects per CPU-second of this process', r.cpu);
  };
  const sqlite = await withNode('sqlite', (node, app) => postThroughTaxii(ctx, node, app, copies));
  record('relto TAXII POST (SQLite)', 'objects/s (target ≥ 10,000)', sqlite);
  record(
    'relto NodeService.postObjects, no HTTP (SQLite)',
    'objects/s (target ≥ 10,000)',
    await withNode('sqlite', (node) => postDirect(node, copies)),
  );
  record('ajv + raw INSERT (SQLite)', 'objects/s (target ≥ 10,000)', baselineSqlite(copies));
  if (PG_URL) {
    const pgRate = await withNode('postgres', (node, app) => postThroughTaxii(ctx, node, app, copies));
    record('relto TAXII POST (PostgreSQL)', 'objects/s PostgreSQL (target ≥ 5,000)', pgRate);
    record(
      'ajv + raw INSERT (PostgreSQL)',
      'objects/s PostgreSQL (target ≥ 5,000)',
      await baselinePostgres(copies),
    );
  } else {
    ctx.log('RELTO_PG_URL not set: PostgreSQL figures skipped');
  }
});

/** Pages/s of GETs done back to back for `seconds`. */
async function pagesPerSecond(get: () => Promise<void>, seconds: number): Promise<number> {
  for (let i = 0; i < 50; i++) await get();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    await get();
    n++;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

registerBench('http:taxii-get', async (ctx) => {
  await withNode('sqlite', async (node, app) => {
    const url = objectsUrl(node);
    const headers = { accept: TAXII_MEDIA_TYPE, authorization: basic('analyst-low') };
    const post = await app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': TAXII_MEDIA_TYPE, authorization: basic('analyst') },
      payload: envelopeOf(0),
    });
    if (post.statusCode !== 202) throw new Error(`post answered ${post.statusCode}`);
    // Walk the collection 100 objects at a time; the cursor wraps around at the end.
    const cursors: (string | undefined)[] = [undefined];
    for (;;) {
      const res = await app.inject({
        url: `${url}?limit=100${cursors.at(-1) ? `&next=${cursors.at(-1)}` : ''}`,
        headers,
      });
      const env = res.json() as { more?: boolean; next?: string };
      if (!env.more || !env.next) break;
      cursors.push(encodeURIComponent(env.next));
    }
    let i = 0;
    const page = async () => {
      const c = cursors[i++ % cursors.length];
      const res = await app.inject({ url: `${url}?limit=100${c ? `&next=${c}` : ''}`, headers });
      if (res.statusCode !== 200) throw new Error(`GET answered ${res.statusCode}`);
    };
    const relto = await pagesPerSecond(page, 5);

    // The bare peer: one Fastify route serving a page of the same 100 objects from memory.
    const first = await app.inject({ url: `${url}?limit=100`, headers });
    const envelope = first.json();
    const bare = Fastify();
    bare.get('/objects/', async (_req, reply) => reply.type(TAXII_MEDIA_TYPE).send(envelope));
    await bare.ready();
    const peer = await pagesPerSecond(async () => {
      const res = await bare.inject({ url: '/objects/' });
      if (res.statusCode !== 200) throw new Error('bare route failed');
    }, 5);
    await bare.close();
    ctx.record('relto TAXII GET, 100 objects (SQLite, analyst-low)', 'pages/s (target ≥ 50% of bare)', relto);
    ctx.record('bare Fastify route, same page from memory', 'pages/s (target ≥ 50% of bare)', peer);
    ctx.log(`relto is ${Math.round((100 * relto) / peer)}% of the bare route`);
  });
});

const SEARCH_WORDS = [
  'modbus',
  'firmware',
  'controller',
  'network',
  'safety',
  'engineering',
  'remote',
  'protocol',
];

registerBench('http:search', async (ctx) => {
  const target = 100_000;
  await withNode('sqlite', async (node, app) => {
    // The corpus goes straight into the node (five ICS copies per post): what is timed is the search.
    const poster = PEOPLE.find((p) => p.name === 'analyst')!;
    const analyst = (await node.authenticateBasic(poster.name, poster.password))!;
    let held = 0;
    let copy = 5000;
    const start = Date.now();
    while (held < target) {
      const batch = [LOW_MARKING, ...[0, 1, 2, 3, 4].flatMap(() => renewIds(ICS, copy++))];
      await node.postObjects(analyst, batch);
      held += batch.length - 1;
    }
    ctx.log(`${held} items posted in ${Math.round((Date.now() - start) / 1000)} s`);
    const latencies: number[] = [];
    const httpLatencies: number[] = [];
    const low = PEOPLE.find((p) => p.name === 'analyst-low')!;
    const person = (await node.authenticateBasic(low.name, low.password))!;
    for (let i = 0; i < 200; i++) {
      const text = `${SEARCH_WORDS[i % SEARCH_WORDS.length]}${i % 3 === 0 ? ` ${SEARCH_WORDS[(i + 3) % SEARCH_WORDS.length]}` : ''}`;
      const t0 = process.hrtime.bigint();
      await node.search(person, { text, limit: 20 });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const t1 = process.hrtime.bigint();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/search',
        headers: { 'content-type': 'application/json', authorization: basic('analyst-low') },
        payload: JSON.stringify({ text, limit: 20 }),
      });
      httpLatencies.push(Number(process.hrtime.bigint() - t1) / 1e6);
      if (res.statusCode !== 200) throw new Error(`search answered ${res.statusCode}`);
    }
    ctx.record(
      `node.search over ${held} items (SQLite FTS5)`,
      'search p99 ms (target < 50)',
      percentile(latencies, 99),
    );
    ctx.record(
      `POST /api/v1/search over ${held} items`,
      'search p99 ms (target < 50)',
      percentile(httpLatencies, 99),
    );
    ctx.record(`node.search over ${held} items (SQLite FTS5)`, 'search p50 ms', percentile(latencies, 50));
  });
});

registerBench('http:audit', async (ctx) => {
  await withNode('sqlite', async (node) => {
    const n = 200_000;
    const at = new Date().toISOString();
    const entry = (i: number) => ({
      kind: 'decision' as const,
      at,
      actor: 'analyst',
      subjects: [`report--00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`],
      action: 'read',
      decision: 'permit' as const,
    });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => node.appendAudit(entry(i))));
    const start = process.hrtime.bigint();
    const pending: Promise<number>[] = [];
    for (let i = 0; i < n; i++) pending.push(node.appendAudit(entry(i)));
    await Promise.all(pending);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    ctx.record(
      'audit appends, committed with signed heads (SQLite)',
      'appends/s (target ≥ 50,000)',
      n / seconds,
    );
  });
});
