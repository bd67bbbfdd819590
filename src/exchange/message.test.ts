import { CompactEncrypt, CompactSign, compactDecrypt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../canon/index.js';
import { labelToMarking } from '../stix/index.js';
import { signBatch } from './batch.js';
import {
  buildMessage,
  type ConsentRecord,
  encodeMessage,
  type Item,
  type Message,
  type OpenOptions,
  openMessage,
  type Receipt,
  receiveMessage,
  type SignedRecord,
} from './index.js';
import { directory, type TestNode, testNode } from './test-support/nodes.js';
import { sampleReports } from './test-support/objects.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const TIME = new Date(NOW).toISOString();

let kor: TestNode;
let jpn: TestNode;
let usa: TestNode;
let chn: TestNode; // not a partner of anyone here

beforeAll(() => {
  kor = testNode('KOR');
  jpn = testNode('JPN');
  usa = testNode('USA');
  chn = testNode('CHN');
});

const items = (records: SignedRecord[], consents: SignedRecord[] = []): Item[] =>
  records.map((r) => ({ ...r, consents }));

function message(fields: Partial<Message> & Pick<Message, 'sender' | 'recipient' | 'items'>): Message {
  return {
    id: `msg-${Math.random().toString(36).slice(2)}`,
    time: TIME,
    kind: 'release',
    under: 'KOR-JPN-GSOMIA',
    decision: 'audit:42',
    ...fields,
  };
}

const send = (m: Message, from: TestNode, to: TestNode) =>
  buildMessage(
    m,
    { party: from.party, key: from.signing.privateJwk },
    { party: to.party, key: to.encryption.publicJwk },
  );

function openAs(node: TestNode, extra: Partial<OpenOptions> = {}): OpenOptions {
  return {
    self: { party: node.party, decryptionKey: node.encryption.privateJwk },
    senders: directory(kor, jpn, usa),
    seen: () => false,
    now: NOW,
    ...extra,
  };
}

/** Encrypts any compact JWS to a node, as an attacker holding the right public key can. */
const encryptTo = (jws: string, to: TestNode) =>
  new CompactEncrypt(Buffer.from(jws))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'relto-message' })
    .encrypt(to.encryption.publicJwk);

/** Signs any payload as a node would sign a message. */
const signAs = (payload: string, signer: TestNode, kid = signer.party) =>
  new CompactSign(Buffer.from(payload))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'relto-message', kid })
    .sign(signer.signing.privateJwk);

function korRelease(count = 3, recipient = 'JPN'): Message {
  const records = signBatch({ party: 'KOR', key: kor.signing.privateJwk }, sampleReports(count, 'KOR'));
  return message({ sender: 'KOR', recipient, items: items(records) });
}

describe('message round trip (contracts §9)', () => {
  it('KOR → JPN: decrypts, verifies the sender and every item, and gives back the same message', async () => {
    const m = korRelease(5);
    const jwe = send(m, kor, jpn);
    const r = await receiveMessage(jwe, openAs(jpn));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(encodeMessage(r.message)).toBe(encodeMessage(m));
    expect(r.items.map((i) => i.status)).toEqual(Array(5).fill('verified'));
    expect(r.items[0]).toMatchObject({ originator: 'KOR', relayed: false, consents: [] });
  });

  it('is a compact JWE (ECDH-ES+A256KW / A256GCM) hiding the objects, around a compact JWS over RFC 8785 JSON', async () => {
    const m = korRelease(2);
    const jwe = send(m, kor, jpn);
    expect(jwe.split('.')).toHaveLength(5);
    const header = JSON.parse(Buffer.from(jwe.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'relto-message', kid: 'JPN' });
    expect(header.epk).toMatchObject({ kty: 'OKP', crv: 'X25519' });
    expect(jwe).not.toContain('Launch');
    expect(Buffer.from(jwe.split('.')[3], 'base64url').includes('Launch assessment')).toBe(false);
    const { plaintext } = await compactDecrypt(jwe, jpn.encryption.privateJwk);
    const [h, p] = Buffer.from(plaintext).toString().split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'relto-message',
      kid: 'KOR',
    });
    expect(Buffer.from(p, 'base64url').toString()).toBe(canonicalize(m));
  });

  it('written with the canonical forms its batch kept when signed, the message is byte for byte the RFC 8785 JSON of it', () => {
    const forms = new Map<object, string>();
    const objects = sampleReports(5, 'KOR');
    const records = signBatch({ party: 'KOR', key: kor.signing.privateJwk }, objects, forms);
    expect(forms.size).toBe(objects.length);
    const m = message({ sender: 'KOR', recipient: 'JPN', items: items(records) });
    expect(encodeMessage(m, forms)).toBe(canonicalize(m));
    // A form is used as it is: one that does not match its object changes what is written.
    forms.set(objects[0]!, '{"changed":true}');
    expect(encodeMessage(m, forms)).not.toBe(canonicalize(m));
    // Outside the call the forms are forgotten: canonicalize alone walks the objects again.
    expect(canonicalize(m)).toBe(encodeMessage(m));
  });

  it('refuses to build a message whose sender or recipient is not the key holder', async () => {
    const m = korRelease(1);
    expect(() => send(m, usa, jpn)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', path: '/sender' }),
    );
    expect(() => send(m, kor, usa)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', path: '/recipient' }),
    );
  });
});

describe('refused messages (contracts §9: signature, address, replay)', () => {
  it('a tampered JWE is BAD_ENCRYPTION, whichever part is altered', async () => {
    const jwe = send(korRelease(1), kor, jpn);
    const parts = jwe.split('.');
    for (const i of [0, 1, 2, 3, 4]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[i], 'base64url');
      bytes[Math.floor(bytes.length / 2)] ^= 1;
      altered[i] = bytes.toString('base64url');
      const r = await openMessage(altered.join('.'), openAs(jpn));
      expect(r, `part ${i}`).toMatchObject({ ok: false, code: 'BAD_ENCRYPTION' });
    }
    expect(await openMessage('not a jwe', openAs(jpn))).toMatchObject({ ok: false, code: 'BAD_ENCRYPTION' });
  });

  it('a message encrypted to another node cannot be opened: BAD_ENCRYPTION', async () => {
    const jwe = send(korRelease(1, 'USA'), kor, usa);
    expect(await openMessage(jwe, openAs(jpn))).toMatchObject({ ok: false, code: 'BAD_ENCRYPTION' });
  });

  it('a payload altered after signing is BAD_SIGNATURE', async () => {
    const m = korRelease(1);
    const jws = await signAs(encodeMessage(m), kor);
    const [h, , s] = jws.split('.');
    const forged = Buffer.from(encodeMessage({ ...m, under: 'TISA' })).toString('base64url');
    const r = await openMessage(await encryptTo(`${h}.${forged}.${s}`, jpn), openAs(jpn));
    expect(r).toMatchObject({ ok: false, code: 'BAD_SIGNATURE', sender: 'KOR' });
  });

  it("a message signed with one partner's key in another partner's name is BAD_SIGNATURE", async () => {
    const m = korRelease(1);
    // USA's key, claiming to be KOR in the header
    const claimed = await openMessage(
      await encryptTo(await signAs(encodeMessage(m), usa, 'KOR'), jpn),
      openAs(jpn),
    );
    expect(claimed).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    // USA's key and kid, but the message says it is from KOR
    const inside = await openMessage(await encryptTo(await signAs(encodeMessage(m), usa), jpn), openAs(jpn));
    expect(inside).toMatchObject({ ok: false, code: 'BAD_SIGNATURE', path: '/sender' });
  });

  it('a sender that is not a partner is UNKNOWN_SENDER', async () => {
    const records = signBatch({ party: 'CHN', key: chn.signing.privateJwk }, sampleReports(1, 'KOR'));
    const m = message({ sender: 'CHN', recipient: 'JPN', items: items(records) });
    const r = await openMessage(send(m, chn, jpn), openAs(jpn));
    expect(r).toMatchObject({ ok: false, code: 'UNKNOWN_SENDER', sender: 'CHN' });
  });

  it('a message for USA re-encrypted to JPN is WRONG_RECIPIENT', async () => {
    const jwe = send(korRelease(1, 'USA'), kor, usa);
    // USA opens it and passes the signed message on to JPN: the signature is KOR's and still valid.
    const { plaintext } = await compactDecrypt(jwe, usa.encryption.privateJwk);
    const r = await openMessage(await encryptTo(Buffer.from(plaintext).toString(), jpn), openAs(jpn));
    expect(r).toMatchObject({ ok: false, code: 'WRONG_RECIPIENT', path: '/recipient', sender: 'KOR' });
  });

  it('a message seen before is REPLAY', async () => {
    const seen = new Set<string>();
    const m = korRelease(1);
    const jwe = send(m, kor, jpn);
    const options = openAs(jpn, { seen: (id) => seen.has(id) });
    const first = await openMessage(jwe, options);
    expect(first.ok).toBe(true);
    seen.add(m.id);
    expect(await openMessage(jwe, options)).toMatchObject({ ok: false, code: 'REPLAY', id: m.id });
  });

  it('a message too old or from the future is STALE_MESSAGE (configurable window)', async () => {
    const m = korRelease(1);
    const old = send({ ...m, time: new Date(NOW - 25 * 3600_000).toISOString() }, kor, jpn);
    expect(await openMessage(old, openAs(jpn))).toMatchObject({ ok: false, code: 'STALE_MESSAGE' });
    expect((await openMessage(old, openAs(jpn, { maxAgeMs: 48 * 3600_000 }))).ok).toBe(true);
    const ahead = send({ ...m, time: new Date(NOW + 10 * 60_000).toISOString() }, kor, jpn);
    expect(await openMessage(ahead, openAs(jpn))).toMatchObject({
      ok: false,
      code: 'STALE_MESSAGE',
      path: '/time',
    });
  });

  it('a signed payload that is not a message is MALFORMED_REQUEST naming the pointer', async () => {
    const m = korRelease(1);
    const { items: _dropped, ...noItems } = m;
    const r = await openMessage(await encryptTo(await signAs(canonicalize(noItems), kor), jpn), openAs(jpn));
    expect(r).toMatchObject({ ok: false, code: 'MALFORMED_REQUEST', path: '/items' });
    const notJson = await openMessage(await encryptTo(await signAs('{', kor), jpn), openAs(jpn));
    expect(notJson).toMatchObject({ ok: false, code: 'MALFORMED_REQUEST' });
  });
});

/** KOR's consent that USA may pass `itemId` on to `to`, signed by `signer` (KOR unless a test forges it). */
function consentFor(itemId: string, to: string, signer = kor, by = 'KOR'): SignedRecord {
  const record: ConsentRecord = {
    type: 'relto-consent',
    ref: `consent--${itemId.slice(-12)}-${to}`,
    item: itemId,
    by,
    at: '2026-03-02T09:00:00.000Z',
    to,
  };
  const [signed] = signBatch({ party: signer.party, key: signer.signing.privateJwk }, [record]);
  return signed;
}

describe('TISA relay through the US node (R24, R25)', () => {
  /** The id of the item the hub relays: the second of KOR's batch of three. */
  const relayedId = () => String(sampleReports(3, 'KOR')[1].id);

  async function relayed(mutate?: (i: Item) => Item, consents?: SignedRecord[]) {
    // KOR releases 3 reports to USA in one batch.
    const toUsa = korRelease(3, 'USA');
    const atUsa = await receiveMessage(send({ ...toUsa, under: 'USA-KOR-GSOMIA' }, kor, usa), openAs(usa));
    if (!atUsa.ok) throw new Error(atUsa.message);
    // USA passes ONE of them on, in its own message, with KOR's consent naming JPN.
    const one = atUsa.message.items[1];
    const itemId = String(one.object.id);
    let item: Item = { ...one, consents: consents ?? [consentFor(itemId, 'JPN')] };
    if (mutate) item = mutate(item);
    const m = message({ sender: 'USA', recipient: 'JPN', under: 'TISA', items: [item] });
    return receiveMessage(send(m, usa, jpn), openAs(jpn));
  }

  it("JPN verifies KOR's signature on a single item USA relayed (R25)", async () => {
    const r = await relayed();
    if (!r.ok) throw new Error(r.message);
    expect(r.items[0]).toMatchObject({ status: 'verified', originator: 'KOR', relayed: true });
    expect(r.items[0].status === 'verified' && r.items[0].consents.map((c) => c.by)).toEqual(['KOR']);
  });

  it('an object the hub altered is refused, although the hub signed its message validly (R25)', async () => {
    const r = await relayed((i) => ({ ...i, object: { ...i.object, description: 'edited by the hub' } }));
    if (!r.ok) throw new Error(r.message);
    expect(r.items[0]).toMatchObject({
      status: 'refused',
      code: 'BAD_ORIGINATOR_SIGNATURE',
      path: '/items/0/object',
    });
  });

  it('a relayed item without the originator consent naming the recipient is refused (R24)', async () => {
    const none = await relayed(undefined, []);
    expect(none.ok && none.items[0]).toMatchObject({
      status: 'refused',
      code: 'THIRD_PARTY_CONSENT_REQUIRED',
    });
  });

  it('a consent naming another party, or for another item, does not let the hub relay (R15, R24)', async () => {
    const id = relayedId();
    // KOR's consent names USA itself, not JPN: the item may not go on to JPN.
    const otherParty = await relayed(undefined, [consentFor(id, 'USA')]);
    expect(otherParty.ok && otherParty.items[0]).toMatchObject({
      status: 'refused',
      code: 'THIRD_PARTY_CONSENT_REQUIRED',
    });
    const otherItem = await relayed(undefined, [
      consentFor('report--00000000-0000-5000-8000-000000000000', 'JPN'),
    ]);
    expect(otherItem.ok && otherItem.items[0]).toMatchObject({
      status: 'refused',
      code: 'BAD_CONSENT',
      path: '/items/0/consents/0/object/item',
    });
  });

  it('a consent signed by the hub instead of the originator is refused (R15)', async () => {
    const id = relayedId();
    // signed by USA in its own name
    const byHub = await relayed(undefined, [consentFor(id, 'JPN', usa, 'USA')]);
    // signed by USA, claiming to be KOR's consent
    const forged = await relayed(undefined, [consentFor(id, 'JPN', usa, 'KOR')]);
    for (const r of [byHub, forged]) {
      expect(r.ok && r.items[0]).toMatchObject({
        status: 'refused',
        code: 'BAD_CONSENT',
        path: '/items/0/consents/0',
        message: expect.stringMatching(/not the originator KOR/),
      });
    }
  });

  it('a KOR consent re-labelled with the wrong signer kid fails its signature (BAD_CONSENT)', async () => {
    const good = consentFor(relayedId(), 'JPN');
    const [h, , s] = good.originatorJws.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const relabelled = Buffer.from(JSON.stringify({ ...header, kid: 'USA' })).toString('base64url');
    const r = await relayed(undefined, [{ ...good, originatorJws: `${relabelled}..${s}` }]);
    expect(r.ok && r.items[0]).toMatchObject({
      status: 'refused',
      code: 'BAD_CONSENT',
      path: '/items/0/consents/0/object',
    });
  });
});

describe('per-item results (never half-way)', () => {
  it('one bad item among good ones is refused alone, and the others verify', async () => {
    const m = korRelease(3);
    m.items[1] = { ...m.items[1], object: { ...m.items[1].object, name: 'tampered before sending' } };
    const r = await receiveMessage(send(m, kor, jpn), openAs(jpn));
    if (!r.ok) throw new Error(r.message);
    expect(r.items.map((i) => i.status)).toEqual(['verified', 'refused', 'verified']);
    expect(r.items[1]).toMatchObject({ code: 'BAD_ORIGINATOR_SIGNATURE', path: '/items/1/object' });
  });

  it('a whole batch with one proof hash altered: that item alone is refused, the others verify', async () => {
    const m = korRelease(5);
    const proof = [...m.items[3].proof];
    proof[0] = proof[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    m.items[3] = { ...m.items[3], proof };
    const r = await receiveMessage(send(m, kor, jpn), openAs(jpn));
    if (!r.ok) throw new Error(r.message);
    expect(r.items.map((i) => i.status)).toEqual(['verified', 'verified', 'verified', 'refused', 'verified']);
    expect(r.items[3]).toMatchObject({ code: 'BAD_ORIGINATOR_SIGNATURE' });
  });

  it('a whole batch with two items swapped in place (index kept): both refused, the others verify', async () => {
    const m = korRelease(4);
    const [a, b] = [m.items[1], m.items[2]];
    m.items[1] = { ...a, object: b.object };
    m.items[2] = { ...b, object: a.object };
    const r = await receiveMessage(send(m, kor, jpn), openAs(jpn));
    if (!r.ok) throw new Error(r.message);
    expect(r.items.map((i) => i.status)).toEqual(['verified', 'refused', 'refused', 'verified']);
  });

  it('an item whose originator is not a partner is UNKNOWN_ORIGINATOR', async () => {
    const records = signBatch({ party: 'CHN', key: chn.signing.privateJwk }, sampleReports(1, 'CHN'));
    const m = message({ sender: 'KOR', recipient: 'JPN', items: items(records) });
    const r = await receiveMessage(send(m, kor, jpn), openAs(jpn));
    expect(r.ok && r.items[0]).toMatchObject({ status: 'refused', code: 'UNKNOWN_ORIGINATOR' });
  });

  it('a receipt is verified against its maker; one signed by another party is ORIGINATOR_MISMATCH', async () => {
    const receipt: Receipt = {
      type: 'relto-receipt',
      by: 'JPN',
      at: TIME,
      message: 'msg-1',
      items: [{ id: 'report--2b4c1c9e-57c4-5c1e-8a5e-3c1d6b1f0a11', version: TIME, status: 'stored' }],
    };
    const ok = signBatch({ party: 'JPN', key: jpn.signing.privateJwk }, [receipt]);
    const bad = signBatch({ party: 'JPN', key: jpn.signing.privateJwk }, [{ ...receipt, by: 'USA' }]);
    const m = message({
      sender: 'JPN',
      recipient: 'KOR',
      kind: 'receipt',
      under: null,
      decision: null,
      items: items([...ok, ...bad]),
    });
    const r = await receiveMessage(send(m, jpn, kor), openAs(kor));
    if (!r.ok) throw new Error(r.message);
    expect(r.items[0]).toMatchObject({ status: 'verified', originator: 'JPN' });
    expect(r.items[1]).toMatchObject({ status: 'refused', code: 'ORIGINATOR_MISMATCH' });
  });

  it('a KOR label marking signed by JPN as its originator is ORIGINATOR_MISMATCH (R25)', async () => {
    const marking = labelToMarking({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR', 'USA'],
    });
    const records = signBatch({ party: 'JPN', key: jpn.signing.privateJwk }, [marking]);
    const m = message({ sender: 'JPN', recipient: 'USA', under: 'USA-JPN-GSOMIA', items: items(records) });
    const r = await receiveMessage(send(m, jpn, usa), openAs(usa));
    expect(r.ok && r.items[0]).toMatchObject({ status: 'refused', code: 'ORIGINATOR_MISMATCH' });
  });

  it("an object that does not have its kind's shape is MALFORMED_REQUEST with its pointer", async () => {
    const records = signBatch({ party: 'JPN', key: jpn.signing.privateJwk }, [
      {
        type: 'relto-receipt',
        by: 'JPN',
        at: TIME,
        message: 'm',
        items: [{ id: 'x', version: 'v', status: 'lost' }],
      },
    ]);
    const m = message({
      sender: 'JPN',
      recipient: 'KOR',
      kind: 'receipt',
      under: null,
      decision: null,
      items: items(records),
    });
    const r = await receiveMessage(send(m, jpn, kor), openAs(kor));
    expect(r.ok && r.items[0]).toMatchObject({
      status: 'refused',
      code: 'MALFORMED_REQUEST',
      path: '/items/0/object/items/0/status',
    });
  });
});
