import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalize } from '../canon/index.js';
import { AuditChain } from './chain.js';
import { type AuditEntry, type AuditEntryInput, entryLeafHash } from './entry.js';
import { type SignedTreeHead, signTreeHead, verifyTreeHead } from './head.js';
import { verifyInclusion } from './merkle.js';
import { verifyLog } from './verify-log.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

function input(i: number): AuditEntryInput {
  return {
    kind: i % 3 === 0 ? 'decision' : 'custody',
    at: new Date(Date.UTC(2026, 0, 5, 9, 0, i)).toISOString(),
    actor: i % 2 === 0 ? 'analyst' : 'officer',
    subjects: [`report--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`],
    action: 'read',
    decision: i % 5 === 0 ? 'deny' : 'permit',
    reasons: i % 5 === 0 ? ['CLEARANCE_TOO_LOW'] : undefined,
    details: { copy: i },
  };
}

/** A log of `n` rows as a store would keep it: entries, leaf hashes, and heads after every `every` rows. */
function makeLog(n: number, every: number) {
  const chain = AuditChain.empty();
  const entries: AuditEntry[] = [];
  const hashes: string[] = [];
  const heads: SignedTreeHead[] = [];
  for (let i = 0; i < n; i++) {
    const sealed = chain.append(input(i));
    entries.push(sealed.entry);
    hashes.push(sealed.leafHash);
    if ((i + 1) % every === 0 || i === n - 1) {
      heads.push(
        chain.signHead(`2026-01-05T10:00:${String(i % 60).padStart(2, '0')}.000Z`, keys.privateKey, 'KOR'),
      );
    }
  }
  return { chain, entries, hashes, heads };
}

/** A row edited by hand; `rehash` also rewrites its stored leaf hash to match the edit. */
function edit(
  entries: AuditEntry[],
  hashes: string[],
  i: number,
  change: (e: AuditEntry) => void,
  rehash: boolean,
) {
  const e = JSON.parse(JSON.stringify(entries[i])) as AuditEntry;
  change(e);
  entries[i] = e;
  if (rehash) hashes[i] = entryLeafHash(e);
}

describe('signed tree heads (R29)', () => {
  it('verify with the signing key (KeyObject or JWK) and fail with another key or any changed field', () => {
    const head = signTreeHead(
      { treeSize: 3, rootHash: 'ab'.repeat(32), timestamp: '2026-01-05T10:00:00.000Z', origin: 'KOR' },
      keys.privateKey.export({ format: 'jwk' }),
    );
    expect(verifyTreeHead(head, keys.publicKey)).toBe(true);
    expect(verifyTreeHead(head, keys.publicKey.export({ format: 'jwk' }))).toBe(true);
    expect(verifyTreeHead(head, other.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, treeSize: 4 }, keys.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, rootHash: 'cd'.repeat(32) }, keys.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, timestamp: '2026-01-05T10:00:01.000Z' }, keys.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, origin: 'JPN' }, keys.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, signature: 'AAAA' }, keys.publicKey)).toBe(false);
  });

  it('signs canonical bytes: the signature does not depend on key order of the head object', () => {
    const a = signTreeHead(
      { treeSize: 1, rootHash: '00'.repeat(32), timestamp: '2026-01-05T10:00:00.000Z' },
      keys.privateKey,
    );
    const reordered = JSON.parse(canonicalize(a)) as SignedTreeHead;
    expect(verifyTreeHead(reordered, keys.publicKey)).toBe(true);
  });
});

describe('audit chain', () => {
  it('links each entry to the leaf hash of the one before and proves inclusion under the signed root', () => {
    const { chain, entries, hashes, heads } = makeLog(20, 7);
    expect(entries[0].prev).toBe('0'.repeat(64));
    for (let i = 1; i < 20; i++) expect(entries[i].prev).toBe(hashes[i - 1]);
    const head = heads.at(-1)!;
    const proof = chain.inclusionProof(11).map((h) => Buffer.from(h, 'hex'));
    expect(
      verifyInclusion(
        Buffer.from(hashes[11], 'hex'),
        11,
        head.treeSize,
        proof,
        Buffer.from(head.rootHash, 'hex'),
      ),
    ).toBe(true);
  });

  it('resumes from stored leaf hashes with the same root and the same next link', () => {
    const { chain, hashes } = makeLog(13, 5);
    const resumed = AuditChain.resume(hashes);
    expect(resumed.rootHash()).toBe(chain.rootHash());
    expect(resumed.append(input(13)).entry).toEqual(chain.append(input(13)).entry);
  });

  it('leaves unset optional fields out of the entry, so the canonical bytes stay stable', () => {
    const chain = AuditChain.empty();
    const { entry } = chain.append({ kind: 'compromise', at: '2026-01-05T09:00:00Z', actor: 'security' });
    expect(Object.keys(entry).sort()).toEqual(['actor', 'at', 'index', 'kind', 'prev']);
  });

  it('refuses an entry without an instant or an actor, or of an unknown kind', () => {
    const chain = AuditChain.empty();
    expect(() => chain.append({ kind: 'decision', at: 'yesterday', actor: 'x' })).toThrow(/instant/);
    expect(() => chain.append({ kind: 'decision', at: '2026-01-05T09:00:00Z', actor: '' })).toThrow(/actor/);
    expect(() =>
      chain.append({ kind: 'gossip' as 'decision', at: '2026-01-05T09:00:00Z', actor: 'x' }),
    ).toThrow(/kind/);
  });
});

describe('verifyLog names the first altered or missing entry (R29)', () => {
  const N = 40;
  let log: ReturnType<typeof makeLog>;
  beforeEach(() => {
    log = makeLog(N, 8);
  });

  it('passes an untouched log and returns the latest head', () => {
    const r = verifyLog(log.entries, log.hashes, log.heads, keys.publicKey);
    expect(r).toEqual({ ok: true, head: log.heads.at(-1), size: N, unsignedFrom: null });
  });

  it('passes an empty log', () => {
    expect(verifyLog([], [], [], keys.publicKey)).toMatchObject({ ok: true, head: null, size: 0 });
  });

  for (const i of [0, 1, 7, 8, 20, 38, 39]) {
    it(`names row ${i} when only its entry JSON was edited`, () => {
      edit(log.entries, log.hashes, i, (e) => (e.actor = 'mallory'), false);
      expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
        ok: false,
        index: i,
        failure: 'altered',
      });
    });

    it(`names row ${i} when only its stored leaf hash was edited`, () => {
      log.hashes[i] = `${log.hashes[i].slice(0, 63)}${log.hashes[i].endsWith('0') ? '1' : '0'}`;
      expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
        ok: false,
        index: i,
        failure: 'altered',
      });
    });

    it(`names row ${i} when its entry and its leaf hash were edited consistently`, () => {
      edit(
        log.entries,
        log.hashes,
        i,
        (e) => (e.decision = e.decision === 'permit' ? 'deny' : 'permit'),
        true,
      );
      expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
        ok: false,
        index: i,
        failure: 'altered',
      });
    });

    it(`names row ${i} when its link (prev) and its leaf hash were edited consistently`, () => {
      edit(log.entries, log.hashes, i, (e) => (e.prev = 'ee'.repeat(32)), true);
      expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
        ok: false,
        index: i,
      });
    });

    it(`names row ${i} when it was deleted`, () => {
      log.entries.splice(i, 1);
      log.hashes.splice(i, 1);
      expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
        ok: false,
        index: i,
        failure: 'missing',
      });
    });
  }

  it('names the first of two edited rows', () => {
    edit(log.entries, log.hashes, 25, (e) => (e.actor = 'x'), true);
    edit(log.entries, log.hashes, 12, (e) => (e.actor = 'y'), true);
    expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
      ok: false,
      index: 12,
    });
  });

  it('names a row whose index field was renumbered', () => {
    edit(log.entries, log.hashes, 10, (e) => (e.index = 9), true);
    expect(verifyLog(log.entries, log.hashes, log.heads, keys.publicKey)).toMatchObject({
      ok: false,
      index: 10,
      failure: 'out-of-order',
    });
  });

  it('catches a rewrite of every row from 30 on (a forged tail), naming an altered row under the first failing head', () => {
    const chain = AuditChain.resume(log.hashes.slice(0, 30));
    for (let i = 30; i < N; i++) {
      const s = chain.append({ ...input(i), actor: 'forger' });
      log.entries[i] = s.entry;
      log.hashes[i] = s.leafHash;
    }
    const r = verifyLog(log.entries, log.hashes, log.heads, keys.publicKey);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      // Heads at 32 and 40: rows 30 and 31 fall under the head at size 32.
      expect(r.index).toBe(31);
      expect(r.reason).toMatch(/rows 24\.\.31/);
    }
  });

  it('refuses a forged head (signed by another key) and a head re-signed over a rewritten log', () => {
    const forged = signTreeHead(
      { treeSize: 40, rootHash: 'aa'.repeat(32), timestamp: '2026-01-05T11:00:00.000Z', origin: 'KOR' },
      other.privateKey,
    );
    expect(verifyLog(log.entries, log.hashes, [...log.heads, forged], keys.publicKey)).toMatchObject({
      ok: false,
      failure: 'bad-head',
    });
  });

  it('reports rows after the last signed head as covered by links only', () => {
    const chain = AuditChain.resume(log.hashes);
    const s = chain.append(input(N));
    const r = verifyLog([...log.entries, s.entry], [...log.hashes, s.leafHash], log.heads, keys.publicKey);
    expect(r).toMatchObject({ ok: true, size: N + 1, unsignedFrom: N });
  });

  it('names the first missing row when the log was truncated below a signed head', () => {
    expect(
      verifyLog(log.entries.slice(0, 35), log.hashes.slice(0, 35), log.heads, keys.publicKey),
    ).toMatchObject({ ok: false, index: 35, failure: 'missing' });
  });
});
