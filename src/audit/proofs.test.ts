import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditChain } from './chain.js';
import { verifyEntryInclusion, verifyHeadConsistency } from './proofs.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

function grow(chain: AuditChain, from: number, to: number, actor = 'analyst'): string[] {
  const leaves: string[] = [];
  for (let i = from; i < to; i++) {
    leaves.push(
      chain.append({ kind: 'decision', at: `2026-01-05T09:00:${String(i % 60).padStart(2, '0')}Z`, actor })
        .leafHash,
    );
  }
  return leaves;
}

describe("a partner's signed heads (R29)", () => {
  it('accepts a new head that extends the old one', () => {
    const chain = AuditChain.empty();
    grow(chain, 0, 10);
    const old = chain.signHead('2026-01-05T10:00:00.000Z', keys.privateKey, 'KOR');
    grow(chain, 10, 27);
    const now = chain.signHead('2026-01-05T11:00:00.000Z', keys.privateKey, 'KOR');
    expect(verifyHeadConsistency(old, now, chain.consistencyProof(10, 27), keys.publicKey)).toBe(true);
  });

  it('raises the alarm when the partner rewrote history, or a head is forged or from another log', () => {
    const honest = AuditChain.empty();
    grow(honest, 0, 10);
    const old = honest.signHead('2026-01-05T10:00:00.000Z', keys.privateKey, 'KOR');
    // The partner rebuilds its log with entry 4 changed, and signs the new head with its real key.
    const rewritten = AuditChain.empty();
    grow(rewritten, 0, 4);
    grow(rewritten, 4, 5, 'someone else');
    grow(rewritten, 5, 27);
    const now = rewritten.signHead('2026-01-05T11:00:00.000Z', keys.privateKey, 'KOR');
    expect(verifyHeadConsistency(old, now, rewritten.consistencyProof(10, 27), keys.publicKey)).toBe(false);

    grow(honest, 10, 27);
    const good = honest.signHead('2026-01-05T11:00:00.000Z', keys.privateKey, 'KOR');
    const proof = honest.consistencyProof(10, 27);
    const forged = honest.signHead('2026-01-05T11:00:00.000Z', other.privateKey, 'KOR');
    expect(verifyHeadConsistency(old, forged, proof, keys.publicKey)).toBe(false);
    const elsewhere = honest.signHead('2026-01-05T11:00:00.000Z', keys.privateKey, 'JPN');
    expect(verifyHeadConsistency(old, elsewhere, proof, keys.publicKey)).toBe(false);
    expect(verifyHeadConsistency(old, good, proof, keys.publicKey)).toBe(true);
  });

  it('proves one entry is in the log under a signed head, and no other entry at that place', () => {
    const chain = AuditChain.empty();
    const leaves = grow(chain, 0, 13);
    const head = chain.signHead('2026-01-05T10:00:00.000Z', keys.privateKey, 'KOR');
    const proof = chain.inclusionProof(6);
    expect(verifyEntryInclusion(leaves[6], 6, head, proof, keys.publicKey)).toBe(true);
    expect(verifyEntryInclusion(leaves[7], 6, head, proof, keys.publicKey)).toBe(false);
    expect(verifyEntryInclusion(leaves[6], 6, head, proof, other.publicKey)).toBe(false);
  });
});
