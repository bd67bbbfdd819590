import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BenchContext, median, percentile, registerBench } from '../bench/harness.js';
import { RELTO_NAMESPACE, uuidv5 } from '../canon/index.js';
import { createDemoCa, ensureIdentity, publicIdentity } from '../identity/index.js';
import { addPartner, type RunningExchange, startExchange } from '../node/exchange/index.js';
import { createNode, openNode, type Person, type ReltoNode } from '../node/index.js';
import { labelToMarking, partyIdentityId } from '../stix/index.js';
import type { StixObject } from '../store/index.js';
import { buildMessage, checkItems, type ExchangeKey, type Message, openMessage, signBatch } from './index.js';

/**
 * Release KOR → JPN end to end (issue 4): two real nodes in this process (SQLite, the mutual-TLS inbox on
 * loopback, the delivery worker): release requests of 100 items each filed and approved (four eyes, one
 * decide() per item), the outgoing message queued with the audit entries, signed (originator batch + sender
 * JWS), encrypted, POSTed, decrypted, verified, checked on the receiving side (decide, receiver-equivalent
 * label), stored with custody, receipted, and the receipt verified and settled at KOR. Beside it, in the same
 * run, the raw sign + encrypt + decrypt + verify of the same objects. Then p99 from approval to stored at JPN
 * for single urgent items.
 */

const BATCH = 100;
const BATCHES = 40;
const URGENT = 100;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const LABEL = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['JPN', 'KOR'],
  topics: ['DPRK-MISSILE'],
};

function report(n: number, markingId: string): StixObject {
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${uuidv5(`release bench ${n} ${Date.now()}`, RELTO_NAMESPACE)}`,
    created: '2026-03-01T09:00:00.000Z',
    modified: '2026-03-01T09:00:00.000Z',
    created_by_ref: partyIdentityId('KOR'),
    name: `Launch assessment ${n}: short-range ballistic missile, east coast`,
    description: `Assessment ${n}. `.concat(
      'A short-range ballistic missile was launched from the vicinity of the east coast, flew about ',
      '350 km on a depressed trajectory and fell outside the exclusive economic zone. ',
      'Telemetry suggests a solid-fuel motor and a manoeuvring re-entry vehicle. '.repeat(10),
    ),
    report_types: ['threat-report'],
    published: '2026-03-01T09:00:00.000Z',
    object_refs: [partyIdentityId('KOR')],
    object_marking_refs: [markingId],
  };
}

interface BenchNode {
  node: ReltoNode;
  ex: RunningExchange;
  analyst: Person;
  officer: Person;
}

async function twoNodes(root: string): Promise<Record<'KOR' | 'JPN', BenchNode>> {
  const ca = await createDemoCa();
  const out: Partial<Record<'KOR' | 'JPN', BenchNode>> = {};
  for (const party of ['KOR', 'JPN'] as const) {
    const dataDir = join(root, party);
    await createNode({ dataDir, party });
    await ensureIdentity(dataDir, party, { ca });
    const node = await openNode({ dataDir });
    const clearance = party === 'KOR' ? 'II' : 'GOKUHI';
    await node.admin.addUser({ name: 'analyst', password: 'bench-pass-1', clearance, roles: ['analyst'] });
    await node.admin.addUser({
      name: 'officer',
      password: 'bench-pass-1',
      clearance,
      roles: ['releasing-officer'],
    });
    const ex = await startExchange(node, dataDir, {
      host: '127.0.0.1',
      port: 0,
      delivery: { minBackoffMs: 20, maxBackoffMs: 200, pollMs: 1000, headEveryMs: 0 },
    });
    out[party] = {
      node,
      ex,
      analyst: (await node.authenticateBasic('analyst', 'bench-pass-1'))!,
      officer: (await node.authenticateBasic('officer', 'bench-pass-1'))!,
    };
  }
  const nodes = out as Record<'KOR' | 'JPN', BenchNode>;
  for (const [a, b] of [
    ['KOR', 'JPN'],
    ['JPN', 'KOR'],
  ] as const) {
    const id = publicIdentity(await ensureIdentity(join(root, b), b));
    await addPartner(nodes[a].node.store, nodes[b].ex.server.url, id);
    await nodes[a].ex.exchange.loadPartners();
  }
  return nodes;
}

async function pendingCount(n: BenchNode): Promise<number> {
  return (await n.node.store.listExchange({ kind: 'outbox', status: 'pending', limit: 1 })).length;
}

async function releaseBench(ctx: BenchContext): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'relto-release-bench-'));
  const nodes = await twoNodes(root);
  const { KOR, JPN } = nodes;
  try {
    const marking = labelToMarking(LABEL) as unknown as StixObject;
    const objects = Array.from({ length: BATCH * BATCHES }, (_, i) => report(i, marking.id));
    for (let i = 0; i < objects.length; i += 1000) {
      await KOR.node.postObjects(KOR.analyst, [marking, ...objects.slice(i, i + 1000)]);
    }
    const batches = Array.from({ length: BATCHES }, (_, b) => objects.slice(b * BATCH, (b + 1) * BATCH));

    // Warm-up: one batch end to end (JIT, TLS session, prepared statements).
    const warm = await KOR.ex.exchange.fileRelease(KOR.analyst, {
      items: batches[0]!.map((o) => o.id),
      to: 'JPN',
    });
    await KOR.ex.exchange.approveRelease(KOR.officer, warm.id);
    while ((await pendingCount(KOR)) > 0) await new Promise((r) => setTimeout(r, 5));

    // The steady stream: request, approval and delivery overlap as they would on a busy node.
    const rest = batches.slice(1);
    const count = rest.length * BATCH;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const batch of rest) {
      const request = await KOR.ex.exchange.fileRelease(KOR.analyst, {
        items: batch.map((o) => o.id),
        to: 'JPN',
      });
      const approved = await KOR.ex.exchange.approveRelease(KOR.officer, request.id);
      if (approved.status !== 'approved') throw new Error(`bench release ${approved.status}`);
    }
    // Until the last receipt is settled: woken by the delivery worker going idle, not by polling the outbox
    // (each poll read a pending message, work that is not the exchange's).
    for (;;) {
      await KOR.ex.delivery.whenIdle();
      if ((await pendingCount(KOR)) === 0) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    const wall = (performance.now() - t0) / 1000;
    const cpuUsed = process.cpuUsage(cpu0);
    // CPU time of this process (both nodes live in it): what the machine's load does not inflate.
    const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    const e2e = count / wall;
    ctx.record(
      'KOR → JPN end to end (approved … receipted)',
      'objects per CPU-second (both nodes)',
      count / cpu,
    );
    ctx.record(
      'KOR → JPN end to end (approved … receipted)',
      'objects/s (steady stream, 100-item requests)',
      e2e,
    );
    ctx.log(
      `end to end: ${fmt(e2e)} objects/s (${count} objects in ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU = ${fmt(count / cpu)} objects/CPU-s)`,
    );
    const held = await JPN.node.store.getObject(rest.at(-1)!.at(-1)!.id);
    if (!held) throw new Error('the last object is not stored at JPN');

    // The raw cryptography of the same objects, in the same run.
    const kid = KOR.ex.exchange.identity;
    const jid = JPN.ex.exchange.identity;
    const raw0 = performance.now();
    let seq = 0;
    for (const batch of rest) {
      const records = signBatch({ party: 'KOR', key: kid.signing.privateJwk as ExchangeKey }, [
        marking,
        ...batch,
      ]);
      const message: Message = {
        sender: 'KOR',
        recipient: 'JPN',
        id: `raw-${seq++}`,
        time: new Date().toISOString(),
        kind: 'release',
        under: 'KOR-JPN-GSOMIA',
        decision: null,
        items: records.map((r) => ({ ...r, consents: [] })),
      };
      const jwe = buildMessage(
        message,
        { party: 'KOR', key: kid.signing.privateJwk as ExchangeKey },
        { party: 'JPN', key: jid.encryption.publicJwk as ExchangeKey },
      );
      const opened = await openMessage(jwe, {
        self: { party: 'JPN', decryptionKey: jid.encryption.privateJwk as ExchangeKey },
        senders: () => kid.signing.publicJwk as ExchangeKey,
        seen: () => false,
      });
      if (!opened.ok) throw new Error(opened.code);
      const items = checkItems(opened.message, { originators: () => kid.signing.publicJwk as ExchangeKey });
      if (items.some((i) => i.status !== 'verified')) throw new Error('raw: an item failed');
    }
    const rawRate = count / ((performance.now() - raw0) / 1000);
    ctx.record(
      'raw sign + encrypt + decrypt + verify (same objects)',
      'objects/s (steady stream, 100-item requests)',
      rawRate,
    );
    ctx.log(`raw crypto: ${fmt(rawRate)} objects/s`);

    // Single urgent items: approval → stored at JPN.
    const urgent = Array.from({ length: URGENT + 10 }, (_, i) => report(100_000 + i, marking.id));
    await KOR.node.postObjects(KOR.analyst, [marking, ...urgent]);
    const latencies: number[] = [];
    for (const [i, o] of urgent.entries()) {
      const request = await KOR.ex.exchange.fileRelease(KOR.analyst, { item: o.id, to: 'JPN' });
      const start = performance.now();
      await KOR.ex.exchange.approveRelease(KOR.officer, request.id);
      while ((await JPN.node.store.getObject(o.id)) === null) await new Promise((r) => setImmediate(r));
      if (i >= 10) latencies.push(performance.now() - start);
    }
    ctx.record('urgent single item', 'p99 ms approval → stored at JPN', percentile(latencies, 99));
    ctx.record('urgent single item', 'median ms approval → stored at JPN', median(latencies));
    ctx.log(
      `urgent: p99 ${percentile(latencies, 99).toFixed(1)} ms, median ${median(latencies).toFixed(1)} ms`,
    );
  } finally {
    for (const n of [KOR, JPN]) {
      await n.ex.close();
      await n.node.close();
    }
    rmSync(root, { recursive: true, force: true });
  }
}

registerBench('exchange:release', releaseBench);
