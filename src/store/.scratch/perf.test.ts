import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { newDataKey } from '../../keys/index.js';
import { openStore } from '../open-store.js';
import type { ObjectInput, StixObject, Store } from '../store.js';

const F = 'marking-definition--00000000-0000-4000-8000-0000000000aa';
const bundle = JSON.parse(readFileSync('/work/shared/data/attack/ics-attack-18.1.json', 'utf8')) as {
  objects: StixObject[];
};
function inputs(round: number): ObjectInput[] {
  return bundle.objects.map((o) => {
    const object = {
      ...o,
      id: round ? `${o.type}--${round.toString(16).padStart(8, '0')}${o.id.slice(o.type.length + 10)}` : o.id,
      object_marking_refs: [F],
    };
    const text = [o.name, o.description].filter((x) => typeof x === 'string').join(' ');
    return {
      object,
      floor: F,
      originator: 'KOR',
      levelRank: 1,
      tier: 'C',
      topics: ['DPRK-MISSILE'],
      index: text ? [{ markingId: F, text }] : [],
    };
  });
}
async function run(name: string, store: Store) {
  for (const k of []) {
    const ins = inputs(k).map((i) => ({ ...i, index: [] }));
    const t0 = performance.now();
    await store.putObjects(ins);
    console.log('noindex', Math.round((1826 / (performance.now() - t0)) * 1000));
  }
  let t = performance.now();
  const r = await store.putObjects(inputs(0));
  let dt = performance.now() - t;
  console.log(
    name,
    'bulk',
    r.length,
    'objects in',
    dt.toFixed(0),
    'ms =',
    Math.round((r.length / dt) * 1000),
    'obj/s',
  );
  for (let k = 1; k <= 3; k++) {
    t = performance.now();
    await store.putObjects(inputs(k));
    dt = performance.now() - t;
    console.log(name, 'bulk round', k, Math.round((1826 / dt) * 1000), 'obj/s');
  }
  const leaf = createHash('sha256').update('x').digest();
  const entries = Array.from({ length: 1000 }, (_, i) => ({
    leafHash: leaf,
    entry: `{"decision":"permit","n":${i},"who":"analyst","item":"report--abc"}`,
  }));
  t = performance.now();
  const c1 = process.cpuUsage();
  for (let g = 0; g < 50; g++) await store.appendAudit(entries);
  dt = performance.now() - t;
  const cc = process.cpuUsage(c1);
  console.log('audit by cpu', Math.round((50000 / ((cc.user + cc.system) / 1000)) * 1000));
  console.log(name, 'audit 50x1000 in', dt.toFixed(0), 'ms =', Math.round((50000 / dt) * 1000), 'appends/s');
  t = performance.now();
  let page = await store.fetchObjects({}, { limit: 100 });
  let n = 0;
  while (page.next && n < 50) {
    page = await store.fetchObjects({}, { after: page.next, limit: 100 });
    n++;
  }
  dt = performance.now() - t;
  console.log(name, 'list pages of 100 (decrypted):', (dt / (n + 1)).toFixed(2), 'ms/page');
  const times: number[] = [];
  for (const w of [
    'spearphishing',
    'modbus',
    'controller firmware',
    'data',
    'zzznothing',
    'network',
    'engineering workstation',
  ]) {
    for (let i = 0; i < 10; i++) {
      t = performance.now();
      await store.search({ text: w, limit: 100 });
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  console.log(
    name,
    'search over',
    4 * 1826,
    'items p50',
    times[Math.floor(times.length * 0.5)]!.toFixed(2),
    'p99',
    times[Math.floor(times.length * 0.99)]!.toFixed(2),
    'ms',
  );
  await store.close();
}
it('perf sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-'));
  await run('sqlite', await openStore({ sqlitePath: join(dir, 'relto.db'), nodeKey: newDataKey() }));
}, 600_000);
it.skip('perf pg', async () => {
  await run(
    'pg',
    await openStore({
      pgUrl: 'postgres://postgres@127.0.0.1:5432/relto_dev_store',
      pgSchema: `perf_${Date.now()}`,
      nodeKey: newDataKey(),
    }),
  );
}, 600_000);
