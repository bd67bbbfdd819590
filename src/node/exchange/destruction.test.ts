import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StixObject } from '../../store/index.js';
import { upgradeExchangeRows } from '../../store/test-support/upgrade.js';
import { ROWS } from './exchange.js';
import { startExchange } from './start.js';
import { type InProcessNode, inProcessNodes } from './test-support/in-process.js';
import { eventually, labelledReport } from './test-support/three-nodes.js';

/**
 * R27 and the exchange (issue 3: content encrypted at rest): a release queued for a partner that is offline
 * keeps no item plaintext in the sender's exchange rows, so destroying the item at the sender leaves none of it
 * in the sender's database files; the approved release still reaches the partner, and the partner's
 * destruction of its copy leaves none in its files either. Two nodes in this process, real mutual-TLS inboxes.
 */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
}, 60_000);

afterAll(async () => cleanup?.());

/** Every byte a node's SQLite store keeps on disk: the main file, the WAL and the shared-memory index. */
function holders(node: InProcessNode, word: string): string[] {
  const outbox = join(node.dataDir, 'outbox');
  // The sealed messages waiting for a partner too (ciphertext to the partner: never the word).
  const queued = existsSync(outbox) ? readdirSync(outbox).map((f) => join('outbox', f)) : [];
  return ['relto.db', 'relto.db-wal', 'relto.db-shm', ...queued].filter((f) => {
    const p = join(node.dataDir, f);
    return existsSync(p) && readFileSync(p).includes(word);
  });
}

/** The exchange rows of a node, read raw (a second connection), holding `word`. */
function exchangeRowsHolding(node: InProcessNode, word: string): string[] {
  const db = new SqliteDatabase(join(node.dataDir, 'relto.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT kind, key, body FROM exchange_rows').all() as {
      kind: string;
      key: string;
      body: string;
    }[];
    return rows.filter((r) => r.body.includes(word)).map((r) => `${r.kind}/${r.key}`);
  } finally {
    db.close();
  }
}

describe('destruction and the exchange (R27)', () => {
  it('an item released to an offline partner and destroyed at the sender leaves no plaintext in its files; the release is still delivered, and its destruction at the partner leaves none there', async () => {
    const kor = nodes.KOR!;
    const jpn = nodes.JPN!;
    const port = jpn.ex.server.port;
    await jpn.ex.close(); // JPN offline
    const word = `quokkasecret${Date.now().toString(36)}`;
    const { report, bundle } = labelledReport(
      { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'], topics: ['DPRK-MISSILE'] },
      'offline release',
    );
    (report as StixObject).description = `launch site near ${word} observed`;
    await kor.node.postObjects(await kor.person('analyst'), (bundle as { objects: unknown[] }).objects);
    const request = await kor.ex.exchange.fileRelease(await kor.person('analyst'), {
      item: report.id,
      to: 'JPN',
    });
    const approved = await kor.ex.exchange.approveRelease(await kor.person('officer'), request.id);
    expect(approved.status).toBe('pending');
    // The queued message is sealed for JPN: no row of the exchange table holds the content, pending or not.
    expect((await kor.node.store.getExchange(ROWS.outbox, approved.message!))?.status).toBe('pending');
    expect(exchangeRowsHolding(kor, word)).toEqual([]);
    expect(existsSync(join(kor.dataDir, 'outbox', `${approved.message}.jwe`))).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the worker tries JPN and backs off meanwhile
    expect((await kor.node.store.getExchange(ROWS.outbox, approved.message!))?.status).toBe('pending');

    expect(await kor.node.destroyObject(await kor.person('security'), report.id, {})).toBe(true);
    expect(holders(kor, word)).toEqual([]);

    // JPN back on its address: the approved release arrives as sealed, once, and is receipted.
    jpn.ex = await startExchange(jpn.node, jpn.dataDir, {
      host: '127.0.0.1',
      port,
      delivery: { minBackoffMs: 50, maxBackoffMs: 500, pollMs: 200, headEveryMs: 0 },
    });
    await jpn.ex.exchange.loadPartners();
    await eventually(async () => (await jpn.node.store.getObject(report.id)) !== null, 30_000);
    await eventually(
      async () => (await kor.node.store.getExchange(ROWS.outbox, approved.message!))?.status === 'delivered',
      30_000,
    );
    expect((await jpn.node.store.getObject(report.id))?.object?.description).toContain(word);
    expect(exchangeRowsHolding(jpn, word)).toEqual([]);
    expect(exchangeRowsHolding(kor, word)).toEqual([]);

    expect(await jpn.node.destroyObject(await jpn.person('security'), report.id, {})).toBe(true);
    expect(holders(jpn, word)).toEqual([]);
    expect(holders(kor, word)).toEqual([]);
  }, 60_000);

  it('rows written by the earlier version with the content in them (a signed record, a message pending in clear), brought to today’s shapes by the store’s migration, are slimmed when the item is destroyed', async () => {
    const kor = nodes.KOR!;
    await kor.ex.delivery.stop(); // the legacy row below stays pending
    const word = `wombatsecret${Date.now().toString(36)}`;
    const { report, bundle } = labelledReport(
      { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'], topics: ['DPRK-MISSILE'] },
      'legacy rows',
    );
    (report as StixObject).description = `launch site near ${word} observed`;
    const objects = (bundle as { objects: StixObject[] }).objects;
    await kor.node.postObjects(await kor.person('analyst'), objects);
    const version = String(report.modified);
    const record = { proof: [], leafIndex: 1, treeSize: 2, originatorJws: 'eyJ9..sig' };
    const message = {
      sender: 'KOR',
      recipient: 'JPN',
      id: `legacy-${Date.now()}`,
      time: new Date().toISOString(),
      kind: 'release',
      under: null,
      decision: null,
      items: objects.map((object) => ({ object, ...record, consents: [] })),
    };
    await kor.node.store.putExchangeRows([
      {
        kind: 'signed',
        key: `${report.id}|${version}`,
        ref: report.id,
        status: 'held',
        body: { record: { object: report, ...record } },
      },
      {
        kind: ROWS.released,
        key: `${message.id}|${report.id}`,
        ref: report.id,
        partner: 'JPN',
        status: 'released',
        body: { item: report.id, version, to: 'JPN', message: message.id },
      },
      { kind: ROWS.outbox, key: message.id, partner: 'JPN', status: 'pending', body: { message } },
    ]);
    expect(exchangeRowsHolding(kor, word).sort()).toEqual([
      `outbox/${message.id}`,
      `signed/${report.id}|${version}`,
    ]);
    // The node upgraded: migration 0005 keeps the signed record's proof, and the message's envelope and items
    // (inline, as queued) until it is sent.
    await upgradeExchangeRows(join(kor.dataDir, 'relto.db'));
    expect(exchangeRowsHolding(kor, word)).toEqual([`outbox/${message.id}`]);

    expect(await kor.node.destroyObject(await kor.person('security'), report.id, {})).toBe(true);
    expect(exchangeRowsHolding(kor, word)).toEqual([]);
    expect(holders(kor, word)).toEqual([]);
    // The proof stays (R25 needs nothing else of it now); the pending message goes without the item.
    const signed = await kor.node.store.getExchange('signed', `${report.id}|${version}`);
    expect(signed?.body).toEqual({ version, ...record });
    const pending = await kor.node.store.getExchange(ROWS.outbox, message.id);
    expect(pending?.status).toBe('pending');
    expect((pending!.body as { items: { object: StixObject }[] }).items.map((i) => i.object.id)).toEqual([
      objects[0]!.id,
    ]);
  }, 60_000);
});
