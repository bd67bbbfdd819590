import { ReltoError } from '../errors/index.js';
import {
  consistencyPath,
  EMPTY_ROOT,
  exactLog2,
  inclusionPath,
  leafHash,
  nodeHash,
  splitPoint,
} from './merkle.js';

const HASH = 32;

/** A growable list of 32-byte hashes in one buffer: a million leaves cost 32 MB, not a million Buffers. */
class HashList {
  private buf = new Uint8Array(HASH * 64);
  length = 0;

  push(h: Uint8Array): void {
    if (h.length !== HASH) throw new ReltoError('INVALID_ARGUMENT', 'a tree hash must be 32 bytes');
    if ((this.length + 1) * HASH > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf.set(h, this.length * HASH);
    this.length++;
  }

  get(i: number): Uint8Array {
    return this.buf.subarray(i * HASH, (i + 1) * HASH);
  }
}

/**
 * An append-only Merkle tree (RFC 9162) that keeps every complete subtree hash, so an append costs O(1)
 * amortised (O(log n) at worst) and any root, inclusion proof or consistency proof, at the current size
 * or any earlier one, costs O(log n).
 */
export class MerkleTree {
  // levels[k][i] = hash of the complete subtree of 2^k leaves starting at leaf i·2^k.
  private readonly levels: HashList[] = [new HashList()];

  /** Builds a tree from leaf hashes (as stored beside the entries). */
  static fromLeafHashes(hashes: Iterable<Uint8Array>): MerkleTree {
    const t = new MerkleTree();
    for (const h of hashes) t.appendLeafHash(h);
    return t;
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Appends an entry's bytes; returns its leaf hash. */
  append(entry: Uint8Array): Buffer {
    const h = leafHash(entry);
    this.appendLeafHash(h);
    return h;
  }

  /** Appends a leaf hash computed elsewhere; returns the leaf's index. */
  appendLeafHash(h: Uint8Array): number {
    const index = this.size;
    this.levels[0].push(h);
    // Each time a level gains its second child of a pair, the parent is complete: hash it now.
    let level = 0;
    let pos = index;
    while (pos % 2 === 1) {
      const list = this.levels[level];
      const parent = nodeHash(list.get(pos - 1), list.get(pos));
      level++;
      if (this.levels.length === level) this.levels.push(new HashList());
      this.levels[level].push(parent);
      pos = (pos - 1) / 2;
    }
    return index;
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    this.checkIndex(index, this.size);
    return this.levels[0].get(index);
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size = this.size): Buffer {
    this.checkSize(size);
    if (size === 0) return Buffer.from(EMPTY_ROOT);
    return Buffer.from(this.rangeHash(0, size));
  }

  /** The inclusion proof (audit path) of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.checkSize(size);
    this.checkIndex(index, size);
    return inclusionPath(index, 0, size, (a, b) => this.rangeHash(a, b)).map((h) => Buffer.from(h));
  }

  /** The consistency proof from the tree of size1 leaves to the tree of size2 leaves. */
  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    this.checkSize(size2);
    if (!Number.isSafeInteger(size1) || size1 < 0 || size1 > size2) {
      throw new ReltoError('INVALID_PROOF_REQUEST', `no consistency proof from ${size1} to ${size2}`);
    }
    if (size1 === 0 || size1 === size2) return [];
    return consistencyPath(size1, size2, (a, b) => this.rangeHash(a, b)).map((h) => Buffer.from(h));
  }

  /** MTH(D[start:end]) for ranges the RFC recursion asks for: aligned complete subtrees and right edges. */
  private rangeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 1) return this.levels[0].get(start);
    const level = exactLog2(n);
    if (level >= 0 && start % n === 0) return this.levels[level].get(start / n);
    const k = splitPoint(n);
    return nodeHash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new ReltoError('INVALID_PROOF_REQUEST', `the tree has ${this.size} leaves, not ${size}`);
    }
  }

  private checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new ReltoError('INVALID_PROOF_REQUEST', `leaf ${index} is not in a tree of ${size} leaves`);
    }
  }
}

/**
 * The frontier of a tree (a compact range from 0): the roots of its maximal complete subtrees, left to
 * right. O(log n) memory; an append and the root each cost O(log n). Serialisable, so a node can resume
 * from its last saved state without reading every leaf.
 */
export class CompactRange {
  private constructor(
    private count: number,
    private readonly hashes: Uint8Array[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Restores a saved state; the number of hashes must equal the number of 1 bits of `size`. */
  static fromState(state: { size: number; hashes: string[] }): CompactRange {
    let ones = 0;
    for (let s = state.size; s > 0; s = Math.floor(s / 2)) ones += s % 2;
    if (!Number.isSafeInteger(state.size) || state.size < 0 || ones !== state.hashes.length) {
      throw new ReltoError('INVALID_ARGUMENT', 'a compact range needs one hash per 1 bit of its size');
    }
    return new CompactRange(
      state.size,
      state.hashes.map((h) => Buffer.from(h, 'hex')),
    );
  }

  get size(): number {
    return this.count;
  }

  /** Appends an entry's bytes; returns its leaf hash. */
  append(entry: Uint8Array): Buffer {
    const h = leafHash(entry);
    this.appendLeafHash(h);
    return h;
  }

  appendLeafHash(h: Uint8Array): void {
    let merged: Uint8Array = h;
    // Every trailing 1 bit of the old size is a complete subtree the new leaf now pairs with.
    for (let s = this.count; s % 2 === 1; s = (s - 1) / 2) {
      merged = nodeHash(this.hashes.pop()!, merged);
    }
    this.hashes.push(merged);
    this.count++;
  }

  root(): Buffer {
    if (this.count === 0) return Buffer.from(EMPTY_ROOT);
    let r = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) r = nodeHash(this.hashes[i], r);
    return Buffer.from(r);
  }

  /** State to save and later pass to `fromState`. */
  toState(): { size: number; hashes: string[] } {
    return { size: this.count, hashes: this.hashes.map((h) => Buffer.from(h).toString('hex')) };
  }
}
