import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MerkleTree, signTreeHead } from '../audit/index.js';
import {
  type AuditHead,
  buildMessage,
  checkAuditHead,
  checkItems,
  decodeMessage,
  encodeMessage,
  MESSAGE_KINDS,
  type MessageKind,
  openMessage,
  toKeyObject,
} from './index.js';
import { buildFixtureMessages, FIXTURE_NODES } from './test-support/fixtures.js';
import { directory } from './test-support/nodes.js';

/** Golden fixtures of every message kind (style.md: wire formats survive decode → encode unchanged). */
const path = (kind: MessageKind) => new URL(`./fixtures/${kind}.json`, import.meta.url);
const WRITE = process.env.RELTO_WRITE_FIXTURES === '1';

const generated = await buildFixtureMessages();
if (WRITE) {
  for (const kind of MESSAGE_KINDS) writeFileSync(path(kind), encodeMessage(generated[kind]));
}
const golden = Object.fromEntries(MESSAGE_KINDS.map((k) => [k, readFileSync(path(k), 'utf8')])) as Record<
  MessageKind,
  string
>;
const keys = directory(FIXTURE_NODES.KOR, FIXTURE_NODES.JPN);

describe.each(MESSAGE_KINDS)('golden %s message (contracts §9)', (kind) => {
  it('decodes and encodes back to the same bytes, which are RFC 8785 canonical JSON', () => {
    const text = golden[kind];
    const decoded = decodeMessage(JSON.parse(text));
    expect(decoded.kind).toBe(kind);
    expect(encodeMessage(decoded)).toBe(text);
    // canonical: no whitespace, keys sorted at every depth
    expect(text).toBe(JSON.stringify(sortKeys(JSON.parse(text))));
  });

  it('is what the generator makes today (regenerated and compared)', () => {
    expect(encodeMessage(generated[kind])).toBe(golden[kind]);
  });

  it("every item verifies against its maker's key", async () => {
    const results = checkItems(decodeMessage(JSON.parse(golden[kind])), { originators: keys });
    expect(results.map((r) => (r.status === 'verified' ? 'verified' : `${r.code} ${r.path}`))).toEqual(
      results.map(() => 'verified'),
    );
  });

  it('survives the envelope: signed, encrypted, opened, same bytes', async () => {
    const m = decodeMessage(JSON.parse(golden[kind]));
    const from = FIXTURE_NODES[m.sender as 'KOR' | 'JPN'];
    const to = FIXTURE_NODES[m.recipient as 'KOR' | 'JPN'];
    const jwe = buildMessage(
      m,
      { party: from.party, key: from.signing.privateJwk },
      { party: to.party, key: to.encryption.publicJwk },
    );
    const opened = await openMessage(jwe, {
      self: { party: to.party, decryptionKey: to.encryption.privateJwk },
      senders: keys,
      seen: () => false,
      now: Date.parse(m.time),
    });
    expect(opened.ok && encodeMessage(opened.message)).toBe(golden[kind]);
  });
});

describe('golden audit head (R29)', () => {
  const record = () => decodeMessage(JSON.parse(golden['audit-head'])).items[0].object as AuditHead;
  const kor = FIXTURE_NODES.KOR.signing;
  /** KOR's head at `size` over the same deterministic entries the fixture's log has (or others). */
  function heldHead(size: number, entry = (i: number) => `KOR audit entry ${i}`) {
    const log = new MerkleTree();
    for (let i = 0; i < size; i++) log.append(Buffer.from(entry(i)));
    return signTreeHead(
      {
        treeSize: size,
        rootHash: log.root().toString('hex'),
        timestamp: '2026-03-03T00:00:00.000Z',
        origin: 'KOR',
      },
      toKeyObject(kor.privateJwk),
    );
  }

  it('a new head that extends the held one is accepted on its consistency proof', () => {
    expect(checkAuditHead(record(), heldHead(3), kor.publicJwk)).toMatchObject({ ok: true });
    expect(checkAuditHead(record(), undefined, kor.publicJwk)).toMatchObject({ ok: true });
  });

  it('a rewritten log raises the alarm (R29)', () => {
    const forked = heldHead(3, (i) =>
      i === 1 ? 'KOR audit entry 1, before it was rewritten' : `KOR audit entry ${i}`,
    );
    expect(checkAuditHead(record(), forked, kor.publicJwk)).toMatchObject({
      ok: false,
      alarm: 'LOG_REWRITTEN',
    });
    expect(checkAuditHead(record(), heldHead(6), kor.publicJwk)).toMatchObject({
      ok: false,
      alarm: 'LOG_REWRITTEN',
    });
  });

  it('a head without a proof from the held size, or not signed by its origin, is refused', () => {
    expect(checkAuditHead(record(), heldHead(2), kor.publicJwk)).toMatchObject({
      ok: false,
      alarm: 'NO_CONSISTENCY_PROOF',
    });
    const jpn = FIXTURE_NODES.JPN.signing.publicJwk;
    expect(checkAuditHead(record(), heldHead(3), jpn)).toMatchObject({
      ok: false,
      alarm: 'BAD_HEAD_SIGNATURE',
    });
  });
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
