import { type AuditEntry, entryLeafHash, GENESIS_PREV } from './entry.js';
import { type SignedTreeHead, type SigningKey, verifyTreeHead } from './head.js';
import { MerkleTree } from './tree.js';

/** Why a log failed verification. */
export type LogFailure =
  | 'missing' // a row is absent: a gap in indices, or fewer rows than a signed head covers
  | 'out-of-order' // a row carries another row's index
  | 'altered' // a row's entry and its stored leaf hash disagree, or its link or the signed root shows a change
  | 'bad-head'; // a signed head's signature does not verify

export type VerifyLogResult =
  | {
      ok: true;
      /** The largest signed head, now verified against the rows (null when there is none). */
      head: SignedTreeHead | null;
      size: number;
      /**
       * Rows at or after this index are covered by hash links only, not yet by a signed head: a consistent
       * edit of the very last of them cannot be seen until the next head is signed.
       */
      unsignedFrom: number | null;
    }
  | { ok: false; index: number; failure: LogFailure; reason: string };

/**
 * Verifies a stored audit log (R29) and names the first altered or missing row.
 *
 * `entries[i]` and `storedLeafHashes[i]` are the i-th stored row, in index order. Each row is checked
 * against its own stored hash; each entry's `prev` against the previous row's hash; then every signed head's
 * root against the Merkle tree of the stored hashes. A row edited consistently (entry and hash together)
 * breaks the link to the row after it; the last row is protected by the signed head's root.
 */
export function verifyLog(
  entries: readonly AuditEntry[],
  storedLeafHashes: readonly string[],
  signedHeads: readonly SignedTreeHead[],
  publicKey: SigningKey,
): VerifyLogResult {
  const heads = [...signedHeads].sort((a, b) => a.treeSize - b.treeSize);
  for (const h of heads) {
    if (!verifyTreeHead(h, publicKey)) {
      return {
        ok: false,
        index: Math.max(0, h.treeSize - 1),
        failure: 'bad-head',
        reason: `the signed head at size ${h.treeSize} has no valid signature`,
      };
    }
  }

  const n = Math.max(entries.length, storedLeafHashes.length);
  const hashes: string[] = [];
  const fail = (index: number, failure: LogFailure, reason: string): VerifyLogResult => ({
    ok: false,
    index,
    failure,
    reason,
  });

  for (let p = 0; p < n; p++) {
    const entry = entries[p];
    if (entry === undefined) return fail(p, 'missing', `row ${p} has a stored leaf hash but no entry`);
    if (entry.index !== p) {
      return entry.index > p
        ? fail(p, 'missing', `row ${p} is missing (the next row is ${entry.index})`)
        : fail(p, 'out-of-order', `the row at position ${p} claims index ${entry.index}`);
    }
    let computed: string;
    try {
      computed = entryLeafHash(entry);
    } catch {
      return fail(p, 'altered', `entry ${p} is not canonical JSON`);
    }
    if (storedLeafHashes[p] !== computed) {
      return fail(p, 'altered', `entry ${p} does not match its stored leaf hash`);
    }
    hashes.push(computed);
    const expectedPrev = p === 0 ? GENESIS_PREV : hashes[p - 1];
    if (entry.prev !== expectedPrev) {
      if (p === 0) return fail(0, 'altered', 'entry 0 does not start the chain');
      const culprit = blameLink(p, entries, hashes, storedLeafHashes, heads);
      return fail(
        culprit,
        'altered',
        culprit === p
          ? `entry ${p} was changed: its link to entry ${p - 1} is wrong`
          : `entry ${p - 1} was changed: entry ${p} links to a different entry ${p - 1}`,
      );
    }
  }

  const last = heads.at(-1);
  if (last !== undefined && last.treeSize > n) {
    return fail(n, 'missing', `the signed head at size ${last.treeSize} covers rows the log no longer has`);
  }
  if (heads.length > 0) {
    const tree = MerkleTree.fromLeafHashes(hashes.map((h) => Buffer.from(h, 'hex')));
    let goodSize = 0;
    for (const h of heads) {
      if (tree.root(h.treeSize).toString('hex') !== h.rootHash) {
        // Links are intact, so whichever row changed first, every row after it up to the head changed
        // too: the head's last row certainly did (for a single edit it is the only one).
        const span = goodSize < h.treeSize - 1 ? ` (rows ${goodSize}..${h.treeSize - 1} were rewritten)` : '';
        return fail(
          h.treeSize - 1,
          'altered',
          `entry ${h.treeSize - 1} does not match the signed head at size ${h.treeSize}${span}`,
        );
      }
      goodSize = h.treeSize;
    }
  }
  return {
    ok: true,
    head: last ?? null,
    size: n,
    unsignedFrom: last === undefined ? (n > 0 ? 0 : null) : last.treeSize < n ? last.treeSize : null,
  };
}

/**
 * Entry p's `prev` does not match row p−1's hash: either row p−1 was edited (its content, hash and all) or
 * row p's link was. A signed head past row p−1 decides: put back the hash row p claims for p−1 and see
 * whether the head's root comes back. Without such a head, an edited row p also breaks the link after it.
 */
function blameLink(
  p: number,
  entries: readonly AuditEntry[],
  hashes: readonly string[],
  stored: readonly string[],
  heads: readonly SignedTreeHead[],
): number {
  const head = heads.find((h) => h.treeSize >= p && h.treeSize <= stored.length);
  if (head !== undefined) {
    const tree = new MerkleTree();
    for (let i = 0; i < head.treeSize; i++) {
      const h = i === p - 1 ? entries[p].prev : i < hashes.length ? hashes[i] : stored[i];
      tree.appendLeafHash(Buffer.from(h, 'hex'));
    }
    return tree.root().toString('hex') === head.rootHash ? p - 1 : p;
  }
  const next = entries[p + 1];
  return next !== undefined && next.prev !== hashes[p] ? p : p - 1;
}
