// The node's audit core (node:crypto) makes the log this test checks the browser's code against.
/// <reference types="node" />
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuditChain,
  type AuditEntry,
  type AuditEntryInput,
  entryLeafHash,
} from '../../../../src/audit/index.js';
import { type InclusionProof, keyFingerprint, type SignedHead, verifyEntry, verifyHead } from './verify.js';

// A log made by the node's own audit core: the browser's check must agree with it entry for entry.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const jwk = publicKey.export({ format: 'jwk' });

function input(i: number): AuditEntryInput {
  return {
    kind: i % 3 === 0 ? 'decision' : 'custody',
    at: `2026-03-01T00:00:${String(i % 60).padStart(2, '0')}.123Z`,
    actor: i % 2 === 0 ? 'analyst' : 'security',
    subjects: [`report--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`],
    action: 'read',
    decision: 'permit',
    details: { label: 'marking-definition--x', via: 'web', note: '군사II급비밀 極秘', n: i / 7 },
  };
}

describe('an audit entry checked in the browser with WebCrypto', () => {
  const chain = AuditChain.empty();
  const entries: AuditEntry[] = [];
  let head: SignedHead;
  const proofOf = (i: number): InclusionProof => ({
    leafHash: '',
    proof: chain.inclusionProof(i, head.treeSize),
  });

  beforeAll(() => {
    for (let i = 0; i < 13; i++) entries.push(chain.append(input(i)).entry);
    const signed = chain.signHead('2026-03-01T00:01:00Z', privateKey, 'KOR');
    head = { ...signed, origin: 'KOR', publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! } };
  });

  // As the API answers it: the entry parsed from JSON, the proof with the node's leaf hash.
  async function check(
    i: number,
    edit: (e: AuditEntry, p: InclusionProof, h: SignedHead) => void = () => {},
  ) {
    const entry = JSON.parse(JSON.stringify(entries[i])) as AuditEntry;
    const proof = proofOf(i);
    proof.leafHash = leafOf(i);
    const h = structuredClone(head);
    edit(entry, proof, h);
    return verifyEntry(entry, i, proof, h);
  }
  // The node's leaf hash of entry i (node:crypto), as the proof route gives it.
  const leafOf = (i: number) => entryLeafHash(entries[i]!);

  it('verifies every entry of a log the node made, against its signed head', async () => {
    for (let i = 0; i < entries.length; i++) expect(await check(i)).toEqual({ ok: true });
  });

  it('does not verify an entry whose text was changed', async () => {
    expect(
      await check(4, (e) => {
        e.actor = 'officer';
      }),
    ).toEqual({ ok: false, failure: 'entry' });
  });

  it('does not verify an entry shown with another entry’s leaf hash and proof', async () => {
    const entry = JSON.parse(JSON.stringify(entries[5])) as AuditEntry;
    const proof = { leafHash: leafOf(5), proof: chain.inclusionProof(6, head.treeSize) };
    expect(await verifyEntry(entry, 5, proof, head)).toEqual({ ok: false, failure: 'proof' });
  });

  it('does not verify a tampered proof or one for another index', async () => {
    expect(
      await check(7, (_e, p) => {
        p.proof[0] = p.proof[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      }),
    ).toEqual({ ok: false, failure: 'proof' });
    expect(
      await check(7, (_e, p) => {
        p.proof.pop();
      }),
    ).toEqual({ ok: false, failure: 'proof' });
    const entry = JSON.parse(JSON.stringify(entries[7])) as AuditEntry;
    expect(await verifyEntry(entry, 6, { leafHash: leafOf(7), proof: proofOf(7).proof }, head)).toEqual({
      ok: false,
      failure: 'proof',
    });
  });

  it('does not verify a head whose signature, size, origin or key was changed', async () => {
    expect(await verifyHead(head)).toBe(true);
    const sig = Buffer.from(head.signature, 'base64');
    sig[3] = sig[3]! ^ 1;
    expect(
      await check(2, (_e, _p, h) => {
        h.signature = sig.toString('base64');
      }),
    ).toEqual({ ok: false, failure: 'signature' });
    expect(
      await check(2, (_e, _p, h) => {
        h.origin = 'JPN';
      }),
    ).toEqual({ ok: false, failure: 'signature' });
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    expect(
      await check(2, (_e, _p, h) => {
        h.publicKey = { kty: 'OKP', crv: 'Ed25519', x: other.x! };
      }),
    ).toEqual({ ok: false, failure: 'signature' });
  });

  it('gives the key a short fingerprint to compare', async () => {
    const f = await keyFingerprint(head);
    expect(f).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){7}$/);
    // Another first character than the key's own (a random key's may be 'A' already: 1 run in 64 failed).
    const changed = `${jwk.x![0] === 'A' ? 'B' : 'A'}${jwk.x!.slice(1)}`;
    expect(await keyFingerprint({ publicKey: { ...head.publicKey, x: changed } })).not.toBe(f);
  });
});
