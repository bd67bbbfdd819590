import type { Kysely, RawBuilder } from 'kysely';
import type { Database, SearchRowTable } from './database.js';
import type { DialectName } from './migrations.js';
import type { AuditAppend, SearchHit, SearchScanRow } from './store.js';
import type { QueryWord } from './terms.js';

/** A search row ready to insert, with the text that only the dialect's index keeps. */
export type SearchInsert = Omit<SearchRowTable, 'sealed_text' | 'tsv'> & {
  text: string;
  /** SQLite: the text sealed with the item's data key, so destruction can remove exactly its index terms. */
  sealed_text?: Uint8Array;
};

/** What differs between SQLite and PostgreSQL beyond what Kysely hides. */
export interface DialectOps {
  readonly name: DialectName;
  /** SQL name of the two-argument maximum (`max` in SQLite, `greatest` in PostgreSQL). */
  readonly greatest: string;
  /** Whether search rows keep their text sealed (needed to delete FTS5 terms securely). */
  readonly sealsSearchText: boolean;
  /**
   * Whether statements run elsewhere (a server), so a bulk write gains by yielding between blocks: the
   * connection then sends the queued statements while this process prepares the next block.
   */
  readonly pipelines: boolean;
  /**
   * Inserts many rows into one table. Called only inside a transaction this store holds (SQLite runs cached
   * prepared statements on the same connection, which is why it must never be called outside one).
   */
  insertMany(db: Kysely<Database>, table: keyof Database, rows: Record<string, unknown>[]): Promise<void>;
  insertSearch(db: Kysely<Database>, rows: SearchInsert[]): Promise<void>;
  /** Removes the dialect's index entries of these rows (the shared code deletes `search_rows`). */
  deleteSearchIndex(db: Kysely<Database>, rows: { row_id: number; text: string | null }[]): Promise<void>;
  /**
   * Candidate hits for `words` (already split into terms, each word's terms consecutive), filtered by
   * `filters` (conditions on alias `s`).
   */
  search(
    db: Kysely<Database>,
    words: QueryWord[],
    filters: RawBuilder<unknown>[],
    limit: number,
    offset: number,
    window: number,
  ): Promise<SearchHit[]>;
  /**
   * Index rows matching `words` and `filters` (conditions on alias `s`), in descending row id below
   * `before`, with their object's floor and granular markings; a row whose floor is not in `floors` may
   * come back marked `floorOk: false`. `next`: where to continue, null when no row is left.
   */
  scanSearch(
    db: Kysely<Database>,
    words: QueryWord[],
    filters: RawBuilder<unknown>[],
    floors: string[],
    before: number,
    limit: number,
  ): Promise<{
    rows: (Omit<SearchScanRow, 'granularMarkings'> & { granular: string; floorOk: boolean | number })[];
    next: number | null;
  }>;
  /**
   * Inserts audit rows `first`, `first + 1`, … (optional: without it, `insertMany`). Same rule as insertMany:
   * only inside a transaction this store holds.
   */
  insertAudit?(db: Kysely<Database>, first: number, at: string, entries: AuditAppend[]): Promise<void>;
  /** After a commit that added `rows` object versions (PostgreSQL refreshes planner statistics). */
  afterBulkInsert(db: Kysely<Database>, rows: number): Promise<void>;
  /** After a destruction commits: make sure no plaintext is left in the database files (R27). */
  afterDestroy(db: Kysely<Database>): Promise<void>;
}

export interface StoreContext {
  readonly ops: DialectOps;
  readonly nodeKey: Uint8Array;
  readonly now: () => number;
  /** The store's own connection (outside any transaction), for work that must run after a commit. */
  readonly root: Kysely<Database>;
  /** Called once when the root store closes. */
  readonly onClose: () => Promise<void>;
}

/**
 * Ranking every match of a word found in nearly every item costs time in proportion to the matches (bm25 or
 * ts_rank for each); ranking only the most recent `window` matching rows keeps a search bounded (p99 < 50 ms

/** Work to run once a transaction has committed. */
export type Hook = () => Promise<void>;

/**
 * What every table group works with: the connection, or the transaction it runs in, and the store's
 * context. The table groups are functions of a scope; `KyselyStore` composes them behind the `Store` port.
 */
export interface Scope {
  /** The store's connection, or the open transaction. */
  readonly db: Kysely<Database>;
  readonly ctx: StoreContext;
  /** Inside a transaction, the work to run after its commit; null outside any transaction. */
  readonly afterCommit: Hook[] | null;
  /** The store's clock, as an ISO 8601 instant. */
  nowIso(): string;
  /** Runs `fn` inside a transaction, joining the current one if there is one. */
  atomic<T>(fn: (s: Scope) => Promise<T>): Promise<T>;
}
