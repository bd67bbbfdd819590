import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNode } from '../node-service.js';
import { ROWS } from './exchange.js';
import { eventually, labelledReport, type Nodes, threeNodes } from './test-support/three-nodes.js';

/**
 * Delivery survives what real networks and machines do (issue 4, item 3): a partner offline, and `kill -9`
 * of the sending node in the middle of a batch. Two real nodes (child processes, `relto serve --exchange`).
 */

let env: Nodes;

beforeAll(async () => {
  env = await threeNodes(['KOR', 'JPN']);
}, 120_000);

afterAll(async () => env?.cleanup());

/** Posts `n` KOR reports and releases each to JPN (filed by analyst, approved by officer); ids in order. */
async function releaseMany(n: number, tag: string): Promise<string[]> {
  const analyst = await env.nodes.KOR!.client('analyst');
  const officer = await env.nodes.KOR!.client('officer');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const { report, bundle } = labelledReport(
      { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'], topics: ['DPRK-MISSILE'] },
      `${tag} ${i}`,
    );
    await analyst.post(bundle);
    const request = (await analyst.release(report.id, 'JPN')) as { id: string };
    expect(((await officer.approve(request.id)) as { status: string }).status).toBe('pending');
    ids.push(report.id);
  }
  return ids;
}

/** What JPN's store holds of `ids`: the order they were added in, and receipts per item. */
async function heldAtJpn(ids: string[]): Promise<{ order: string[]; receipts: Map<string, number> }> {
  await env.nodes.JPN!.stop();
  const node = await openNode({ dataDir: env.nodes.JPN!.dataDir });
  try {
    const wanted = new Set(ids);
    const order: string[] = [];
    const page = await node.store.fetchObjects(
      { types: ['report'], versions: ['all'], withContent: false },
      { limit: 10_000 },
    );
    for (const r of page.rows) if (wanted.has(r.id)) order.push(r.id);
    const receipts = new Map<string, number>();
    for (const id of ids) {
      receipts.set(id, (await node.store.listCustody(id)).filter((c) => c.kind === 'receipt').length);
    }
    return { order, receipts };
  } finally {
    await node.close();
    await env.nodes.JPN!.start();
  }
}

async function countAtJpn(ids: string[]): Promise<number> {
  const c = await env.nodes.JPN!.client('analyst');
  const page = (await c.list({ type: 'report' })) as unknown as { items?: { id: string }[] };
  const held = new Set((page.items ?? []).map((o) => o.id));
  return ids.filter((id) => held.has(id)).length;
}

describe('delivery (contracts §9: outbox, retries, idempotent by id and version, in order per partner)', () => {
  it('a partner stopped and started again receives everything once and in order', async () => {
    await env.nodes.JPN!.stop();
    const ids = await releaseMany(20, 'offline');
    await new Promise((r) => setTimeout(r, 1500)); // the worker keeps retrying meanwhile
    await env.nodes.JPN!.start();
    await eventually(async () => (await countAtJpn(ids)) === ids.length, 60_000);
    const { order, receipts } = await heldAtJpn(ids);
    expect(order).toEqual(ids);
    expect([...receipts.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('kill -9 of the sending node in the middle of a batch loses and duplicates nothing', async () => {
    await env.nodes.JPN!.stop();
    const ids = await releaseMany(60, 'killed');
    await env.nodes.JPN!.start();
    // Kill KOR as soon as JPN has some of them, not all.
    await eventually(async () => (await countAtJpn(ids)) > 0, 30_000);
    await env.nodes.KOR!.stop('SIGKILL');
    const kor = await openNode({ dataDir: env.nodes.KOR!.dataDir });
    const pending = (await kor.store.listExchange({ kind: ROWS.outbox, status: 'pending' })).length;
    await kor.close();
    await env.nodes.KOR!.start();
    await eventually(async () => (await countAtJpn(ids)) === ids.length, 60_000);
    const { order, receipts } = await heldAtJpn(ids);
    expect(order).toEqual(ids);
    expect([...receipts.values()].every((n) => n === 1)).toBe(true);
    // The kill landed mid-batch: the outbox still held messages when KOR died.
    expect(pending).toBeGreaterThan(0);
    await eventually(async () => {
      await env.nodes.KOR!.stop();
      const k = await openNode({ dataDir: env.nodes.KOR!.dataDir });
      try {
        return (await k.store.listExchange({ kind: ROWS.outbox, status: 'pending' })).length === 0;
      } finally {
        await k.close();
        await env.nodes.KOR!.start();
      }
    });
  }, 180_000);
});
