import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicIdentity } from '../../identity/index.js';
import { Delivery } from './delivery.js';
import { type OutboxBody, ROWS } from './exchange.js';
import {
  type InProcessNode,
  inProcessNodes,
  queuedRelease as queueRelease,
  tamperedJwe,
} from './test-support/in-process.js';
import { eventually } from './test-support/three-nodes.js';
import { closeAgents, INBOX_PATH, postToPartner } from './transport.js';

/**
 * The wire between nodes (contracts §9) keeps a partner's messages in order while several are on their way:
 * a connection's messages are handled one at a time in arrival order, and once one is not receipted, what was
 * sent behind it on that connection is refused unread (503), so it can never be stored ahead of it.
 */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  // Messages here are sent by hand.
  await nodes.KOR!.ex.delivery.stop();
}, 60_000);

afterAll(async () => cleanup?.());

const queuedRelease = () => queueRelease(nodes.KOR!);

describe('the inbox wire (contracts §9)', () => {
  it('messages sent back to back without waiting are all stored, each answered with its own receipt', async () => {
    const kor = nodes.KOR!.ex.exchange;
    const partner = (await kor.partner('JPN'))!;
    const releases = [await queuedRelease(), await queuedRelease(), await queuedRelease()];
    const jwes = await Promise.all(releases.map((r) => kor.sealForDelivery(r.message)));
    // All three on their way at once, on one connection.
    const answers = await Promise.all(jwes.map((jwe) => postToPartner(kor, partner, jwe)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const { item } of releases) expect(await nodes.JPN!.node.store.getObject(item)).not.toBeNull();
    // Handled in the order sent: JPN's custody receipts follow it.
    const receivedAt = await Promise.all(
      releases.map(async ({ item }) => {
        const receipt = (await nodes.JPN!.node.store.listCustody(item)).find((c) => c.kind === 'receipt');
        return receipt!.seq;
      }),
    );
    expect([...receivedAt].sort((a, b) => a - b)).toEqual(receivedAt);
  });

  it('a message sent behind one that is refused is refused unread (503) and stored only when sent again', async () => {
    const kor = nodes.KOR!.ex.exchange;
    const partner = (await kor.partner('JPN'))!;
    const bad = await queuedRelease();
    const good = await queuedRelease();
    const badJwe = tamperedJwe(await kor.sealForDelivery(bad.message));
    const goodJwe = await kor.sealForDelivery(good.message);
    const [first, second] = await Promise.all([
      postToPartner(kor, partner, badJwe),
      postToPartner(kor, partner, goodJwe),
    ]);
    expect(first.status).toBe(400);
    expect(JSON.parse(first.body).error.code).toBe('BAD_ENCRYPTION');
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body).error.code).toBe('RETRY_IN_ORDER');
    expect(await nodes.JPN!.node.store.getObject(good.item)).toBeNull();
    // Sent again (a new connection): stored.
    const again = await postToPartner(kor, partner, goodJwe);
    expect(again.status).toBe(200);
    expect(await nodes.JPN!.node.store.getObject(good.item)).not.toBeNull();
  });

  it('the delivery worker settles a refused message and delivers what it had sent behind it, in order', async () => {
    const kor = nodes.KOR!;
    const bad = await queuedRelease();
    const next = await queuedRelease();
    const last = await queuedRelease();
    // The first queued message is damaged: JPN refuses it for good (BAD_ENCRYPTION).
    const row = await kor.node.store.getExchange(ROWS.outbox, bad.message.id);
    const { file: _file, ...body } = row!.body as OutboxBody;
    const damaged = tamperedJwe((await kor.ex.exchange.queuedJwe(row!.body as OutboxBody))!);
    await kor.node.store.updateExchange(ROWS.outbox, bad.message.id, { body: { ...body, jwe: damaged } });
    const delivery = new Delivery(kor.ex.exchange, { minBackoffMs: 20, pollMs: 200, headEveryMs: 0 });
    delivery.start();
    try {
      await eventually(
        async () => (await kor.node.store.getExchange(ROWS.outbox, last.message.id))?.status === 'delivered',
      );
    } finally {
      await delivery.stop();
    }
    expect((await kor.node.store.getExchange(ROWS.outbox, bad.message.id))?.status).toBe('refused');
    expect((await kor.node.store.getExchange(ROWS.outbox, next.message.id))?.status).toBe('delivered');
    expect(await nodes.JPN!.node.store.getObject(bad.item)).toBeNull();
    const seqOf = async (item: string) =>
      (await nodes.JPN!.node.store.listCustody(item)).find((c) => c.kind === 'receipt')!.seq;
    expect(await seqOf(next.item)).toBeLessThan(await seqOf(last.item));
  });

  it('a client speaking only HTTP/1.1 is still served, with mutual TLS', async () => {
    const kor = nodes.KOR!.ex.exchange;
    const { message, item } = await queuedRelease();
    const jwe = await kor.sealForDelivery(message);
    const jpnUrl = nodes.JPN!.ex.server.url;
    const jpnCa = publicIdentity(nodes.JPN!.ex.exchange.identity).tlsCa;
    const answer = await new Promise<{ status: number; body: string; version: string }>((resolve, reject) => {
      const req = httpsRequest(
        new URL(INBOX_PATH, `${jpnUrl}/`),
        {
          method: 'POST',
          key: kor.identity.tls.keyPem,
          cert: kor.identity.tls.certPem,
          ca: jpnCa,
          headers: { 'content-type': 'application/jose', 'content-length': Buffer.byteLength(jwe) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              version: res.httpVersion,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(jwe);
    });
    expect(answer.version).toBe('1.1');
    expect(answer.status).toBe(200);
    expect(await nodes.JPN!.node.store.getObject(item)).not.toBeNull();
  });

  it('a client without a partner certificate is refused at the TLS handshake', async () => {
    const jpnUrl = nodes.JPN!.ex.server.url;
    const jpnCa = publicIdentity(nodes.JPN!.ex.exchange.identity).tlsCa;
    const outcome = await new Promise<string>((resolve) => {
      const req = httpsRequest(
        new URL(INBOX_PATH, `${jpnUrl}/`),
        { method: 'POST', ca: jpnCa, headers: { 'content-type': 'application/jose' } },
        (res) => resolve(`answered ${res.statusCode}`),
      );
      req.on('error', (e) => resolve(`refused: ${e.message}`));
      req.end('x');
    });
    expect(outcome).toMatch(/^refused/);
    closeAgents();
  });
});

describe('stopping the inbox', () => {
  // Last in this file: it closes JPN's inbox.
  it('does not wait for a connection still in its TLS handshake (a node stops at once, not after the handshake timeout)', async () => {
    const port = Number(new URL(nodes.JPN!.ex.server.url).port);
    // A partner connection that got no further than TCP: no TLS ClientHello yet.
    const stalled = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      stalled.once('connect', () => resolve());
      stalled.once('error', reject);
    });
    const closedBy = await Promise.race([
      nodes.JPN!.ex.server.close().then(() => 'closed'),
      new Promise<string>((r) => setTimeout(() => r('still waiting after 10 s'), 10_000).unref()),
    ]);
    expect(closedBy).toBe('closed');
    await eventually(async () => stalled.destroyed || stalled.readableEnded, 5_000);
    stalled.destroy();
  });
});
