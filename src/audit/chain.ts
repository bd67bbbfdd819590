import { type AuditEntry, type AuditEntryInput, GENESIS_PREV, sealEntry, sealedEntryText } from './entry.js';
import { type SignedTreeHead, type SigningKey, signTreeHead } from './head.js';
import { leafHashOfText } from './merkle.js';
import { MerkleTree } from './tree.js';

/** An entry ready to store, as a group commit writes it: its canonical text and its leaf hash. */
export interface SealedRow {
  text: string;
  leafHash: Buffer;
}

/** An entry ready to store: the entry, its canonical bytes and its leaf hash (hex). */
export interface SealedEntry {
  entry: AuditEntry;
  bytes: Buffer;
  leafHash: string;
}

/**
 * The writing side of an audit log, in memory: numbers and links entries, keeps the Merkle tree, and makes
 * signed heads. The store persists what `append` returns (entry + leaf hash) and the heads, in one
 * transaction per group commit; at start it rebuilds this from the stored leaf hashes with `resume`.
 */
export class AuditChain {
  private constructor(
    private readonly tree: MerkleTree,
    private lastLeaf: string,
  ) {}

  static empty(): AuditChain {
    return new AuditChain(new MerkleTree(), GENESIS_PREV);
  }

  /** Rebuilds the chain from the stored leaf hashes (hex), in index order. */
  static resume(leafHashes: readonly string[]): AuditChain {
    const tree = MerkleTree.fromLeafHashes(leafHashes.map((h) => Buffer.from(h, 'hex')));
    return new AuditChain(tree, leafHashes.length === 0 ? GENESIS_PREV : leafHashes[leafHashes.length - 1]);
  }

  get size(): number {
    return this.tree.size;
  }

  /** Appends one entry: O(log n), canonicalisation and hashing included. */
  append(input: AuditEntryInput): SealedEntry {
    const entry = sealEntry(input, this.tree.size, this.lastLeaf);
    const row = this.appendSealed(entry);
    return { entry, bytes: Buffer.from(row.text, 'utf8'), leafHash: this.lastLeaf };
  }

  /** Appends one entry and returns only what is stored (the log's hot path: one canonical pass, one hash). */
  appendRow(input: AuditEntryInput): SealedRow {
    return this.appendSealed(sealEntry(input, this.tree.size, this.lastLeaf));
  }

  private appendSealed(entry: AuditEntry): SealedRow {
    const text = sealedEntryText(entry);
    const leafHash = leafHashOfText(text);
    this.tree.appendLeafHash(leafHash);
    this.lastLeaf = leafHash.toString('hex');
    return { text, leafHash };
  }

  rootHash(size = this.tree.size): string {
    return this.tree.root(size).toString('hex');
  }

  /** Signs the head at the current size; `timestamp` comes from the caller's clock. */
  signHead(timestamp: string, privateKey: SigningKey, origin?: string): SignedTreeHead {
    return signTreeHead(
      { treeSize: this.tree.size, rootHash: this.rootHash(), timestamp, origin },
      privateKey,
    );
  }

  inclusionProof(index: number, size = this.tree.size): string[] {
    return this.tree.inclusionProof(index, size).map((h) => h.toString('hex'));
  }

  consistencyProof(size1: number, size2 = this.tree.size): string[] {
    return this.tree.consistencyProof(size1, size2).map((h) => h.toString('hex'));
  }
}
