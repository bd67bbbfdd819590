import * as crypto from 'node:crypto';

const { createHash } = crypto;

// One-shot SHA-256 (Node ≥ 20.12) skips the Hash object a createHash call builds: most of a short hash's cost.
const oneShot = (crypto as { hash?: (alg: string, data: crypto.BinaryLike, enc: 'buffer') => Buffer }).hash;
const sha256: (data: crypto.BinaryLike) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => createHash('sha256').update(data).digest();

/** Merkle tree hashing of RFC 9162 §2.1.1 (identical to RFC 6962): SHA-256 with 0x00 / 0x01 prefixes. */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** Hash of one leaf: SHA-256(0x00 || entry bytes). */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/** leafHash of a text's UTF-8 bytes, without making them first: U+0000 is the 0x00 prefix in UTF-8. */
export function leafHashOfText(text: string): Buffer {
  return sha256(`\u0000${text}`);
}

// One scratch buffer for the common 32+32 case: a single update() call is cheaper than three.
const scratch = Buffer.alloc(65, 0x01);

/** Hash of an inner node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === 32 && right.length === 32) {
    scratch.set(left, 1);
    scratch.set(right, 33);
    return sha256(scratch);
  }
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly below n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The hash of the leaves [start, end) of a tree, asked of whatever holds the leaves. Callers only ask for
 * ranges RFC 9162's recursion produces: a complete aligned subtree, or a right edge of the tree.
 */
export type RangeHash = (start: number, end: number) => Uint8Array;

/** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, leaf-to-root order. */
export function inclusionPath(index: number, start: number, end: number, range: RangeHash): Uint8Array[] {
  const path: Uint8Array[] = [];
  // Walk from the root down, collecting siblings; reverse at the end for leaf-to-root order.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push(range(start + k, end));
      end = start + k;
    } else {
      path.push(range(start, start + k));
      start += k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1: SUBPROOF(m, D[n], true), for 0 < m < n. */
export function consistencyPath(m: number, n: number, range: RangeHash): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  let end = n;
  let whole = true;
  // SUBPROOF appends the sibling after recursing, so collect top-down and reverse.
  const siblings: Uint8Array[] = [];
  let size = m;
  while (size !== end - start) {
    const k = splitPoint(end - start);
    if (size <= k) {
      siblings.push(range(start + k, end));
      end = start + k;
    } else {
      siblings.push(range(start, start + k));
      start += k;
      size -= k;
      whole = false;
    }
  }
  if (!whole) out.push(range(start, end));
  for (let i = siblings.length - 1; i >= 0; i--) out.push(siblings[i]);
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** k when x = 2^k, else -1. */
export function exactLog2(x: number): number {
  let k = 0;
  while (x > 1 && x % 2 === 0) {
    x /= 2;
    k++;
  }
  return x === 1 ? k : -1;
}

/**
 * The root an RFC 9162 inclusion proof leads to (§2.1.3.2, the verifier's loop without the final
 * comparison); undefined when the proof cannot be a proof for this index and size. The exchange needs the
 * root itself: it is not carried with an item, it is what the originator's signature must cover.
 * Arithmetic rather than bit operators, because JavaScript's bit operators truncate to 32 bits and a log
 * may outgrow that.
 */
export function rootFromInclusionProof(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
    return undefined;
  }
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== 32) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/** Verifies an inclusion proof as RFC 9162 §2.1.3.2 says: it leads to `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const r = rootFromInclusionProof(leaf, index, treeSize, proof);
  return r !== undefined && equal(r, root);
}

/**
 * Verifies a consistency proof between sizes `size1` ≤ `size2` as RFC 9162 §2.1.4.2 says. Equal sizes need
 * an empty proof and equal roots; every tree is consistent with the empty tree.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2)
    return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  // A size1 that is a power of two is a complete subtree whose root the verifier already holds.
  if (exactLog2(size1) >= 0) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return equal(fr, root1) && equal(sr, root2) && sn === 0;
}
