import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalize } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { AuditChain } from './chain.js';
import {
  AUDIT_ENTRY_KINDS,
  type AuditEntryInput,
  entryLeafHash,
  sealEntry,
  sealedEntryText,
} from './entry.js';
import { leafHash, leafHashOfText } from './merkle.js';

const input: fc.Arbitrary<AuditEntryInput> = fc.record(
  {
    kind: fc.constantFrom(...AUDIT_ENTRY_KINDS),
    at: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-05-06T07:08:09Z'),
    actor: fc.string({ minLength: 1 }),
    subjects: fc.array(fc.string()),
    action: fc.string(),
    decision: fc.constantFrom('permit' as const, 'deny' as const),
    reasons: fc.array(fc.string()),
    details: fc.dictionary(fc.string(), fc.jsonValue()),
  },
  { requiredKeys: ['kind', 'at', 'actor'] },
);

describe('sealedEntryText (R29)', () => {
  it('is the RFC 8785 canonical text of any sealed entry', () => {
    fc.assert(
      fc.property(input, fc.nat(), (i, index) => {
        const entry = sealEntry(i, index, 'ab'.repeat(32));
        expect(sealedEntryText(entry)).toBe(canonicalize(entry));
      }),
    );
  });

  it('refuses what canonical JSON refuses, as canonicalize does', () => {
    const entry = sealEntry({ kind: 'decision', at: '2026-01-01T00:00:00Z', actor: 'a\ud800' }, 0, 'x');
    expect(() => sealedEntryText(entry)).toThrow(ReltoError);
  });

  it('hashes a text as the leaf of its UTF-8 bytes (RFC 9162 leaf prefix)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (t) => {
        expect(leafHashOfText(t).equals(leafHash(Buffer.from(t, 'utf8')))).toBe(true);
      }),
    );
  });

  it('appendRow stores what append would: the same text and leaf hash, and the same chain after it', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 20 }), (inputs) => {
        const a = AuditChain.empty();
        const b = AuditChain.empty();
        for (const i of inputs) {
          const full = a.append(i);
          const row = b.appendRow(i);
          expect(row.text).toBe(full.bytes.toString('utf8'));
          expect(row.leafHash.toString('hex')).toBe(full.leafHash);
          expect(full.leafHash).toBe(entryLeafHash(full.entry));
          expect(canonicalBytes(full.entry).equals(full.bytes)).toBe(true);
        }
        expect(b.rootHash()).toBe(a.rootHash());
      }),
    );
  });
});
