import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage, type ExchangeKey, type Message } from '../../exchange/index.js';
import { upgradeExchangeRows } from '../../store/test-support/upgrade.js';
import { type OutboxBody, ROWS } from './exchange.js';
import {
  type InProcessNode,
  inProcessNodes,
  queuedRelease as queueRelease,
  tamperedJwe,
} from './test-support/in-process.js';
import { eventually } from './test-support/three-nodes.js';

/**
 * The inbox refuses and audits what must not be stored (contracts §9): tampered, replayed, wrongly addressed
 * messages, a TLS peer that is not the signer, and an item whose originator signature does not cover it (R25).
 * Nodes run in this process with their real mutual-TLS listeners.
 */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN', 'USA']));
}, 60_000);

afterAll(async () => cleanup?.());

/** A release KOR → JPN approved on KOR but held back from delivery: returns the queued message. */
async function queuedRelease(): Promise<{ message: Message; item: string }> {
  await nodes.KOR!.ex.delivery.stop();
  return queueRelease(nodes.KOR!);
}

async function refusals(node: InProcessNode, code: string): Promise<number> {
  await node.node.flushAudit();
  const size = (await node.node.store.auditSize()) as number;
  const rows = await node.node.store.readAudit(0, size);
  return rows.filter((r) => {
    const e = JSON.parse(r.entry) as { kind: string; reasons?: string[] };
    return e.kind === 'refusal' && e.reasons?.includes(code);
  }).length;
}

describe('the inbox (contracts §9)', () => {
  it('stores a good message once; its replay is refused as REPLAY, audited, and answered with the stored receipt', async () => {
    const { message, item } = await queuedRelease();
    const jwe = await nodes.KOR!.ex.exchange.sealForDelivery(message);
    const jpn = nodes.JPN!.ex.exchange;
    const first = await jpn.receive(jwe, 'KOR');
    expect(first.status).toBe(200);
    expect(await nodes.JPN!.node.store.getObject(item)).not.toBeNull();
    const before = await refusals(nodes.JPN!, 'REPLAY');
    const again = await jpn.receive(jwe, 'KOR');
    expect(again.status).toBe(200); // the stored receipt, so a sender whose receipt was lost can settle
    expect(await refusals(nodes.JPN!, 'REPLAY')).toBe(before + 1);
    expect((await nodes.JPN!.node.store.listCustody(item)).filter((c) => c.kind === 'receipt')).toHaveLength(
      1,
    );
  });

  it('refuses and audits a tampered message (BAD_ENCRYPTION) and stores nothing of it', async () => {
    const { message, item } = await queuedRelease();
    const jwe = tamperedJwe(await nodes.KOR!.ex.exchange.sealForDelivery(message));
    const before = await refusals(nodes.JPN!, 'BAD_ENCRYPTION');
    const answer = await nodes.JPN!.ex.exchange.receive(jwe, 'KOR');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('BAD_ENCRYPTION');
    expect(await refusals(nodes.JPN!, 'BAD_ENCRYPTION')).toBe(before + 1);
    expect(await nodes.JPN!.node.store.getObject(item)).toBeNull();
  });

  it('refuses and audits a message addressed to another node (WRONG_RECIPIENT)', async () => {
    const { message, item } = await queuedRelease();
    const kor = nodes.KOR!.ex.exchange;
    const jpnKey = (await kor.partner('JPN'))!.identity.encryptionKey as ExchangeKey;
    // Addressed to USA, but encrypted to JPN's key: JPN can read it and must not take it.
    const jwe = buildMessage(
      { ...message, recipient: 'USA', time: new Date().toISOString() },
      { party: 'KOR', key: kor.identity.signing.privateJwk as ExchangeKey },
      { party: 'USA', key: jpnKey },
    );
    const before = await refusals(nodes.JPN!, 'WRONG_RECIPIENT');
    const answer = await nodes.JPN!.ex.exchange.receive(jwe, 'KOR');
    expect(JSON.parse(answer.body).error.code).toBe('WRONG_RECIPIENT');
    expect(await refusals(nodes.JPN!, 'WRONG_RECIPIENT')).toBe(before + 1);
    expect(await nodes.JPN!.node.store.getObject(item)).toBeNull();
  });

  it('refuses a message whose TLS peer is not its signer (the client certificate names the sender)', async () => {
    const { message, item } = await queuedRelease();
    const jwe = await nodes.KOR!.ex.exchange.sealForDelivery(message);
    const answer = await nodes.JPN!.ex.exchange.receive(jwe, 'USA');
    expect(JSON.parse(answer.body).error.code).toBe('BAD_SIGNATURE');
    expect(await nodes.JPN!.node.store.getObject(item)).toBeNull();
  });

  it('R25: an object altered after the originator signed it is refused (BAD_ORIGINATOR_SIGNATURE), audited, not stored', async () => {
    const { message, item } = await queuedRelease();
    const altered: Message = {
      ...message,
      items: message.items.map((i) =>
        (i.object as { id: string }).id === item ? { ...i, object: { ...i.object, name: 'altered' } } : i,
      ),
    };
    const jwe = await nodes.KOR!.ex.exchange.sealForDelivery(altered);
    const before = await refusals(nodes.JPN!, 'BAD_ORIGINATOR_SIGNATURE');
    const answer = await nodes.JPN!.ex.exchange.receive(jwe, 'KOR');
    expect(answer.status).toBe(200); // a receipt saying refused
    expect(await refusals(nodes.JPN!, 'BAD_ORIGINATOR_SIGNATURE')).toBe(before + 1);
    expect(await nodes.JPN!.node.store.getObject(item)).toBeNull();
  });

  it('a message queued longer ago than the partner accepts is sealed anew (same id, fresh time) and delivered; so is a row queued in clear by an earlier version, and one whose sealed file was lost', async () => {
    const kor = nodes.KOR!;
    const old = await queuedRelease();
    const legacy = await queuedRelease();
    const lostFile = await queuedRelease();
    // A sealed message's file lost (a crash before the disk had it): the row is enough to seal it anew.
    rmSync(join(kor.dataDir, 'outbox', `${lostFile.message.id}.jwe`));
    const dayAgo = new Date(Date.now() - 25 * 60 * 60_000).toISOString();
    const stale = await kor.ex.exchange.outboxRow({ ...old.message, time: dayAgo });
    await kor.node.store.updateExchange(ROWS.outbox, old.message.id, { body: stale.body });
    await kor.node.store.updateExchange(ROWS.outbox, legacy.message.id, {
      body: { message: legacy.message },
    });
    // The node upgraded: migration 0005 brings the row queued in clear to today's shape (sealed when next sent).
    await upgradeExchangeRows(join(kor.dataDir, 'relto.db'));
    // As sealed a day ago, JPN refuses it as stale (and stores nothing).
    const staleJwe = await kor.ex.exchange.queuedJwe(stale.body as OutboxBody);
    const refused = await nodes.JPN!.ex.exchange.receive(staleJwe!, 'KOR');
    expect(JSON.parse(refused.body).error.code).toBe('STALE_MESSAGE');
    kor.ex.delivery = new (kor.ex.delivery.constructor as typeof import('./delivery.js').Delivery)(
      kor.ex.exchange,
      { minBackoffMs: 50, pollMs: 200, headEveryMs: 0 },
    );
    kor.ex.delivery.start();
    for (const { message, item } of [old, legacy, lostFile]) {
      await eventually(async () => (await nodes.JPN!.node.store.getObject(item)) !== null);
      await eventually(
        async () => (await kor.node.store.getExchange(ROWS.outbox, message.id))?.status === 'delivered',
      );
    }
    await kor.ex.delivery.stop();
    // Settled messages leave no file behind.
    for (const { message } of [old, legacy, lostFile]) {
      expect(existsSync(join(kor.dataDir, 'outbox', `${message.id}.jwe`))).toBe(false);
    }
  });

  it('the delivery worker sends what was queued and settles it on the signed receipt', async () => {
    const { item, message } = await queuedRelease();
    const kor = nodes.KOR!;
    kor.ex.delivery = new (kor.ex.delivery.constructor as typeof import('./delivery.js').Delivery)(
      kor.ex.exchange,
      { minBackoffMs: 50, pollMs: 200, headEveryMs: 0 },
    );
    kor.ex.delivery.start();
    await eventually(async () => (await nodes.JPN!.node.store.getObject(item)) !== null);
    await eventually(
      async () => (await kor.node.store.getExchange(ROWS.outbox, message.id))?.status === 'delivered',
    );
  });
});
