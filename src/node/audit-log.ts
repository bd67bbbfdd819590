import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  AuditChain,
  type AuditEntry,
  type AuditEntryInput,
  type SignedTreeHead,
  type VerifyLogResult,
  verifyLog,
} from '../audit/index.js';
import { ReltoError } from '../errors/index.js';
import type { AuditAppend, Store } from '../store/index.js';

export interface AuditLogOptions {
  /** Flush at most this long after the first queued entry (ms). */
  flushMs?: number;
  /** Flush at once when this many entries are queued. */
  maxBatch?: number;
}

interface Queued {
  input: AuditEntryInput;
  resolve: (index: number) => void;
  reject: (e: unknown) => void;
}

const noop = () => {};

/** Rows sealed and inserted at a time within one group commit. */
const COMMIT_SLICE = 8192;

/** A tiny FIFO lock: one writer of the chain at a time, in this process. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * The node's audit log (R29): entries are queued in memory and written in group commits — one store
 * transaction per batch, with the Ed25519-signed tree head of the new size — so appends cost microseconds.
 * Work that must be atomic with its audit entry (a post) calls `appendWithin` inside its own transaction.
 *
 * Another process (the CLI's `user set`) may append to the same store: every commit first compares the
 * store's size with the chain's and catches up from the stored leaf hashes, so indexes and links stay dense.
 */
export class AuditLog {
  private queue: Queued[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly lock = new Mutex();
  private stale = false;
  private closed = false;
  private readonly flushMs: number;
  private readonly maxBatch: number;

  private constructor(
    private readonly store: Store,
    private chain: AuditChain,
    private readonly signingKey: KeyObject,
    private readonly origin: string,
    private readonly clock: () => number,
    options: AuditLogOptions,
  ) {
    this.flushMs = options.flushMs ?? 5;
    this.maxBatch = options.maxBatch ?? 10_000;
  }

  /** Rebuilds the chain from the stored leaf hashes. */
  static async open(
    store: Store,
    signingKey: KeyObject,
    origin: string,
    clock: () => number,
    options: AuditLogOptions = {},
  ): Promise<AuditLog> {
    const chain = await AuditLog.loadChain(store);
    return new AuditLog(store, chain, signingKey, origin, clock, options);
  }

  private static async loadChain(store: Store): Promise<AuditChain> {
    const size = await store.auditSize();
    const leaves: string[] = [];
    for (let from = 0; from < size; from += 50_000) {
      for (const h of await store.readAuditLeaves(from, Math.min(size, from + 50_000))) leaves.push(hex(h));
    }
    return AuditChain.resume(leaves);
  }

  get size(): number {
    return this.chain.size;
  }

  /** Queues an entry; resolves with its index once it is committed. */
  append(input: AuditEntryInput): Promise<number> {
    if (this.closed) return Promise.reject(new ReltoError('INTERNAL', 'the audit log is closed'));
    return new Promise<number>((resolve, reject) => this.enqueue({ input, resolve, reject }));
  }

  /**
   * Queues an entry without waiting for its commit (decisions on read paths): no promise per entry, so a
   * busy node records every decision for the cost of sealing and one row in the next group commit.
   */
  record(input: AuditEntryInput): void {
    if (this.closed) throw new ReltoError('INTERNAL', 'the audit log is closed');
    this.enqueue({ input, resolve: noop, reject: noop });
  }

  private enqueue(item: Queued): void {
    this.queue.push(item);
    if (this.queue.length >= this.maxBatch) {
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => {
          this.flushing = false;
          void this.flush();
        });
      }
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.flushMs);
    }
  }

  /** Writes everything queued now. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.lock.run(async () => {
      const batch = this.queue;
      this.queue = [];
      if (batch.length === 0) return;
      try {
        const first = await this.store.transaction((tx) =>
          this.commit(
            tx,
            batch.map((b) => b.input),
          ),
        );
        for (const [k, b] of batch.entries()) b.resolve(first + k);
      } catch (e) {
        this.stale = true;
        for (const b of batch) b.reject(e);
      }
    });
  }

  /**
   * Appends `inputs` (and whatever is queued) inside the caller's transaction `tx`, so the caller's writes and
   * their audit entries commit or roll back together.
   */
  async appendWithin<T>(fn: (tx: Store) => Promise<{ result: T; entries: AuditEntryInput[] }>): Promise<T> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    return this.lock.run(async () => {
      const batch = this.queue;
      this.queue = [];
      try {
        const { result, first } = await this.store.transaction(async (tx) => {
          const out = await fn(tx);
          const first = await this.commit(tx, [...batch.map((b) => b.input), ...out.entries]);
          return { result: out.result, first };
        });
        for (const [k, b] of batch.entries()) b.resolve(first + k);
        return result;
      } catch (e) {
        this.stale = true;
        // The queued entries were not the caller's failure: give them another chance.
        this.queue.unshift(...batch);
        if (this.queue.length > 0 && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.flush();
          }, this.flushMs);
        }
        throw e;
      }
    });
  }

  /** Seals and stores entries plus the signed head of the new size, inside transaction `tx`. */
  private async commit(tx: Store, inputs: AuditEntryInput[]): Promise<number> {
    const storedSize = await tx.auditSize();
    if (this.stale || storedSize !== this.chain.size) {
      // Someone else appended (another process), or an earlier commit of ours rolled back.
      this.chain = await AuditLog.loadChain(tx);
      this.stale = false;
    }
    const first = this.chain.size;
    if (inputs.length === 0) return first;
    // If the transaction fails from here on, the in-memory chain is ahead of the store: mark it stale first.
    this.stale = true;
    // Sealed and written a slice at a time: the rows of a slice die young instead of a whole batch's
    // (tens of thousands of texts) living on through one insert.
    for (let from = 0; from < inputs.length; from += COMMIT_SLICE) {
      const rows: AuditAppend[] = new Array(Math.min(COMMIT_SLICE, inputs.length - from));
      for (let k = 0; k < rows.length; k++) {
        const sealed = this.chain.appendRow(inputs[from + k]!);
        rows[k] = { leafHash: sealed.leafHash, entry: sealed.text };
      }
      const at = await tx.appendAudit(rows);
      if (at !== first + from) {
        throw new ReltoError('INTERNAL', `audit index ${at} != chain index ${first + from}`);
      }
    }
    const head = this.chain.signHead(new Date(this.clock()).toISOString(), this.signingKey, this.origin);
    await tx.putTreeHead({
      size: head.treeSize,
      rootHash: Buffer.from(head.rootHash, 'hex'),
      timestamp: head.timestamp,
      signature: Buffer.from(head.signature, 'base64'),
    });
    this.stale = false;
    return first;
  }

  /** The Ed25519 public key the log's heads verify with, as a JWK (what a browser's WebCrypto imports). */
  publicKey(): { kty: 'OKP'; crv: 'Ed25519'; x: string } {
    const jwk = createPublicKey(this.signingKey).export({ format: 'jwk' });
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string };
  }

  /** The latest signed head (after flushing what is queued). */
  async head(): Promise<SignedTreeHead> {
    await this.flush();
    const h = await this.store.latestTreeHead();
    if (!h) {
      // An empty log still has a head: sign it now (nothing to store).
      return this.chain.signHead(new Date(this.clock()).toISOString(), this.signingKey, this.origin);
    }
    return storedHead(h, this.origin);
  }

  async entries(from: number, to: number): Promise<{ index: number; entry: AuditEntry }[]> {
    await this.flush();
    const rows = await this.store.readAudit(Math.max(0, from), Math.max(0, to));
    return rows.map((r) => ({ index: r.index, entry: JSON.parse(r.entry) as AuditEntry }));
  }

  /** RFC 9162 inclusion proof of entry `index` in the tree of `treeSize` entries. */
  async inclusionProof(index: number, treeSize: number): Promise<{ leafHash: string; proof: string[] }> {
    await this.flush();
    await this.lock.run(async () => this.catchUp());
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
      throw new ReltoError('INVALID_PROOF_REQUEST', `no entry ${index} in a tree of ${treeSize}`);
    }
    if (treeSize > this.chain.size) {
      throw new ReltoError('INVALID_PROOF_REQUEST', `the log has only ${this.chain.size} entries`);
    }
    const [leaf] = await this.store.readAuditLeaves(index, index + 1);
    return { leafHash: hex(leaf!), proof: this.chain.inclusionProof(index, treeSize) };
  }

  /** RFC 9162 consistency proof between two tree sizes. */
  async consistencyProof(from: number, to: number): Promise<{ proof: string[] }> {
    await this.flush();
    await this.lock.run(async () => this.catchUp());
    if (
      !Number.isSafeInteger(from) ||
      !Number.isSafeInteger(to) ||
      from < 0 ||
      from > to ||
      to > this.chain.size
    ) {
      throw new ReltoError('INVALID_PROOF_REQUEST', `no consistency proof from ${from} to ${to}`);
    }
    return { proof: from === 0 || from === to ? [] : this.chain.consistencyProof(from, to) };
  }

  private async catchUp(): Promise<void> {
    if (this.stale || (await this.store.auditSize()) !== this.chain.size) {
      this.chain = await AuditLog.loadChain(this.store);
      this.stale = false;
    }
  }

  /** Writes what is queued and refuses further appends. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}

/** A stored head as the audit core's SignedTreeHead (the origin is the node's party, which signed it). */
export function storedHead(
  h: { size: number; rootHash: Uint8Array; timestamp: string; signature: Uint8Array },
  origin: string,
): SignedTreeHead {
  return {
    treeSize: h.size,
    rootHash: hex(h.rootHash),
    timestamp: h.timestamp,
    origin,
    signature: Buffer.from(h.signature).toString('base64'),
  };
}

/**
 * Recomputes a stored log (R29): every entry against its leaf hash, every link, and the latest signed head.
 * Names the first altered or missing entry.
 */
export async function verifyStoredLog(
  store: Store,
  publicKey: KeyObject,
  origin: string,
): Promise<VerifyLogResult> {
  const size = await store.auditSize();
  const rows = [];
  for (let from = 0; from < size; from += 50_000) rows.push(...(await store.readAudit(from, from + 50_000)));
  // Rows past the counter (inserted by hand) count too: read until the table ends.
  for (let from = size; ; from += 50_000) {
    const more = await store.readAudit(from, from + 50_000);
    if (more.length === 0) break;
    rows.push(...more);
  }
  const entries: AuditEntry[] = [];
  const leaves: string[] = [];
  for (const r of rows) {
    let entry: AuditEntry;
    try {
      entry = JSON.parse(r.entry) as AuditEntry;
      if (typeof entry !== 'object' || entry === null) throw new Error('not an object');
      if (entry.index !== r.index) {
        // The row's own index column is authoritative for position; an edited `index` is an alteration.
        entry = { ...entry, index: r.index, prev: `${entry.prev}!` };
      }
    } catch {
      return { ok: false, index: r.index, failure: 'altered', reason: `entry ${r.index} is not JSON` };
    }
    entries.push(entry);
    leaves.push(hex(r.leafHash));
  }
  // A gap in the stored indexes: name the first missing one.
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.index !== i)
      return { ok: false, index: i, failure: 'missing', reason: `entry ${i} is missing` };
  }
  if (rows.length < size) {
    return { ok: false, index: rows.length, failure: 'missing', reason: `entry ${rows.length} is missing` };
  }
  const latest = await store.latestTreeHead();
  const heads = latest ? [storedHead(latest, origin)] : [];
  return verifyLog(entries, leaves, heads, publicKey);
}
