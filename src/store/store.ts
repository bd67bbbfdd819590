/**
 * The storage port: one interface, two implementations (`sqlite/`, `postgres/`), one shared test suite.
 * The node calls these methods and never writes SQL itself. Markings live in clear columns so that every
 * decision can be made without decrypting content; content is encrypted with a data key per item (R27).
 */

import type {
  BriefSubscriptionPatch,
  BriefSubscriptionRecord,
  FeedKey,
  FeedPatch,
  FeedRecord,
  MailPatch,
  MailRecord,
} from './open-source-records.js';

/** A STIX object as plain JSON (the stix layer validates it; the store only reads a few common properties). */
export type StixObject = { id: string; type: string } & Record<string, unknown>;

/** A STIX granular marking (kept in clear so the caller can redact without decrypting first). */
export interface GranularMarking {
  marking_ref?: string;
  lang?: string;
  selectors: string[];
}

/** One search-index row: the words of the text covered by exactly one marking (see `ObjectInput.index`). */
export interface IndexText {
  /** The marking a reader must be able to read for a hit on this text to count (floor or granular). */
  markingId: string;
  text: string;
}

/** What the caller knows about an object's floor label (from the label; the store cannot interpret it). */
export interface FloorInfo {
  /** The relto label marking-definition id in `object_marking_refs` (null: unlabelled, e.g. marking-definitions). */
  floor: string | null;
  originator?: string | null;
  /** Rank of the floor level in the originator's scheme (R1), for filtering. */
  levelRank?: number | null;
  /** Global tier id (TS, S, C) of the floor level, for filtering. */
  tier?: string | null;
  topics?: string[];
}

/** One object version to store. */
export interface ObjectInput extends FloorInfo {
  object: StixObject;
  /**
   * Search rows, one per distinct marking scope (the floor text, each granular-marked portion/property), so a
   * hit counts only when the reader may read the marking that covers the matching words. Omitted: not indexed.
   */
  index?: IndexText[];
}

export type PutStatus = 'added' | 'duplicate' | 'destroyed';

/** Per-item outcome of `putObjects`, in input order (a batch never throws half-way for one item's state). */
export interface PutResult {
  id: string;
  version: string;
  status: PutStatus;
  /** The TAXII date_added of the stored version (for `duplicate`, of the version already held). */
  dateAdded: string | null;
}

/** One stored version, with its clear marking columns; `object` only when content was asked for. */
export interface StoredObject {
  id: string;
  type: string;
  specVersion: string;
  /** Version key: `modified`, else `created`, else date_added; normalised to 9 fractional digits. */
  version: string;
  modified: string | null;
  created: string | null;
  createdByRef: string | null;
  /** TAXII date_added: server time, strictly increasing per store (ISO 8601, microseconds). */
  dateAdded: string;
  /** Opaque pagination cursor at this row. */
  cursor: string;
  latest: boolean;
  floor: string | null;
  /** All `object_marking_refs` (the floor included), in the object's order. */
  markingRefs: string[];
  granularMarkings: GranularMarking[];
  originator: string | null;
  levelRank: number | null;
  tier: string | null;
  topics: string[];
  /** The plaintext object (with its current markings), when `withContent` is true. */
  object?: StixObject;
  /**
   * Set on a marking-definition's row (`withMarkings`): how the node holds it. Its `object` is always there
   * (markings are kept in clear) and `floor` is null: who may read it is the node's decision.
   */
  marking?: { kind: string; alternativeOf: string | null };
}

/**
 * TAXII 2.1 filters. Results are ordered by date_added ascending.
 * `versions`: any of 'last' | 'first' | 'all' | a STIX timestamp (default ['last']), as `match[version]`.
 */
export interface ObjectQuery {
  ids?: string[];
  types?: string[];
  /** TAXII `added_after` (exclusive). */
  addedAfter?: string;
  versions?: string[];
  /** `match[spec_version]`; omitted = any. */
  specVersions?: string[];
  /** Decrypt and return `object` (default true). Manifests and pre-filtering need only the clear columns. */
  withContent?: boolean;
  /**
   * The marking-definitions are rows of the answer too, in the same date_added order and filters (TAXII: they
   * are objects of the collection). Default false: the node's other readers want items only.
   */
  withMarkings?: boolean;
  /**
   * Newest date_added first (a reader's list of news); a cursor then continues with older rows. Not with
   * `withMarkings`: the collection is paged oldest first.
   */
  newestFirst?: boolean;
}

export interface FetchOptions {
  /** Continue strictly after this cursor (from a previous row or page). */
  after?: string | null;
  /** Rows to fetch at most (default 100). */
  limit?: number;
}

export interface ObjectPage {
  rows: StoredObject[];
  /** Cursor after the last row fetched; null when no more rows matched at fetch time. */
  next: string | null;
}

/** What the store remembers about an item id (also after destruction: the tombstone, R27). */
export interface ItemInfo {
  id: string;
  type: string;
  destroyedAt: string | null;
}

export interface SearchQuery {
  /** Free text; words are ANDed. */
  text: string;
  types?: string[];
  originators?: string[];
  levelRankMax?: number;
  tiers?: string[];
  /** An object matches when it has any of these topics. */
  topics?: string[];
  /** Inclusive bounds on the version's modified/created timestamp. */
  from?: string;
  to?: string;
  /** Search older versions too (default false: latest versions only). */
  allVersions?: boolean;
  /** Candidates to return at most, best first (default 100). */
  limit?: number;
  /** Skip this many candidates (so the caller can keep fetching until a page of readable hits is full). */
  offset?: number;
  /**
   * Rank only the most recent `window` index rows that contain the words (default 5,000), so a word found in
   * nearly every item still answers fast; a word with fewer matches is ranked over all of them.
   */
  window?: number;
}

/** A candidate hit: count it only if the reader may read `markingId` AND the object itself. */
export interface SearchHit {
  id: string;
  version: string;
  markingId: string;
  type: string;
  originator: string | null;
  /** Lower is better (SQLite bm25 / negated PostgreSQL ts_rank). Comparable only within one search. */
  score: number;
}

/**
 * A reader's search, for `scanSearch`: the reader's readable labels go into the query, so the database
 * returns only rows whose own marking and whose object's floor the reader may read.
 */
export interface SearchScanQuery {
  /** Free text; words are ANDed (within one index row). */
  text: string;
  types?: string[];
  originators?: string[];
  /** An object matches when it has any of these topics. */
  topics?: string[];
  /** Inclusive bounds on the version's modified/created timestamp. */
  from?: string;
  to?: string;
  /** Only rows whose own marking (the most specific label over the matched text) is one of these. */
  markings: string[];
  /** Only rows of objects whose floor label is one of these. */
  floors: string[];
  /** Levels let through: rank 0, any of `tiers`, or `originator`'s own levels ranked `rankMax` or lower. */
  level?: { tiers: string[]; originator?: string; rankMax?: number };
  /** Continue with rows older than this row id (exclusive). */
  before?: number;
  /** Index rows to examine at most in this batch. */
  limit: number;
}

/** One index row of a reader's search, newest first, with the clear columns the reader's decision needs. */
export interface SearchScanRow extends SearchHit {
  /** Index row id (rows come in descending order). */
  rowId: number;
  floor: string;
  /** The object's granular markings (clear), to tell which labels cover the matched text. */
  granularMarkings: GranularMarking[];
}

export interface MarkingDefinitionInput {
  definition: StixObject;
  /** 'relto-label' | 'alternative' | 'tlp' | 'statement' | anything the caller uses to find them again. */
  kind: string;
  /** For a receiver-equivalent label (R6): the originator's marking-definition id. */
  alternativeOf?: string | null;
}

export interface StoredMarkingDefinition extends MarkingDefinitionInput {
  id: string;
}

// News feeds, their keys, brief subscriptions and the mail outbox: the open-source records (contracts §11).
export * from './open-source-records.js';

export interface User {
  name: string;
  party: string;
  clearance: string;
  roles: string[];
  designations: string[];
  restrictive: Record<string, string[]>;
  contractor: boolean;
  official: boolean;
  disabled: boolean;
  /** scrypt string made by the caller. */
  passwordHash: string;
  /** Bumped on every change: the node drops cached credentials and cuts sessions when it moves (R36). */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The language the person chose for the web workspace (ko, ja, en), or null: a preference, not an access attribute. */
  lang: string | null;
}

export type NewUser = Omit<User, 'version' | 'createdAt' | 'updatedAt' | 'disabled' | 'lang'> & {
  disabled?: boolean;
  lang?: string | null;
};
/** What changes a user's access (bumps its version, R36); the language is set with `setUserLang`. */
export type UserPatch = Partial<Omit<User, 'name' | 'version' | 'createdAt' | 'updatedAt' | 'lang'>>;

export interface Session {
  tokenHash: string;
  userName: string;
  /** 'session' (web) | 'token' (CLI/API). */
  kind: string;
  createdAt: string;
  expiresAt: string;
}

export type CustodyKind =
  | 'receipt'
  | 'copy'
  | 'translation'
  | 'print'
  | 'export'
  | 'return'
  | 'destruction'
  | 'reclassification';

export interface CustodyInput {
  itemId: string;
  kind: CustodyKind;
  by: string;
  /** Defaults to the store's clock. */
  at?: string;
  details?: Record<string, unknown>;
}

/** R26: one custody record; `copyNumber` is allocated atomically per item for kind 'copy'. */
export interface CustodyRecord {
  seq: number;
  itemId: string;
  kind: CustodyKind;
  copyNumber: number | null;
  by: string;
  at: string;
  details: Record<string, unknown>;
}

/** R28: the only order a compromise report may move in. */
export const compromiseStatuses = ['reported', 'investigating', 'findings-sent', 'closed'] as const;
export type CompromiseStatus = (typeof compromiseStatuses)[number];

export interface CompromiseHistoryEntry {
  at: string;
  by: string;
  status: CompromiseStatus;
  note?: string;
}

export interface CompromiseInput {
  id: string;
  items: string[];
  reportedBy: string;
  /** Defaults to the store's clock. */
  reportedAt?: string;
  originator: string;
  /** Named deadlines, e.g. {"findings": "2026-02-01T00:00:00Z"}. */
  deadlines?: Record<string, string>;
  description?: string;
}

export interface CompromiseReport {
  id: string;
  items: string[];
  reportedBy: string;
  reportedAt: string;
  originator: string;
  status: CompromiseStatus;
  deadlines: Record<string, string>;
  description: string | null;
  findings: string | null;
  measures: string | null;
  history: CompromiseHistoryEntry[];
  updatedAt: string;
}

export interface CompromiseAdvance {
  /** Must be the status right after the current one (R28), else CONFLICT. */
  to: CompromiseStatus;
  by: string;
  at?: string;
  note?: string;
  findings?: string;
  measures?: string;
  deadlines?: Record<string, string>;
}

/** One audit entry to append: the caller (src/audit) computes the RFC 9162 leaf hash of `entry`. */
export interface AuditAppend {
  leafHash: Uint8Array;
  /** The exact entry text the leaf hash was computed over (kept byte for byte). */
  entry: string;
}

export interface AuditRow {
  index: number;
  leafHash: Uint8Array;
  entry: string;
  appendedAt: string;
}

export interface TreeHead {
  size: number;
  rootHash: Uint8Array;
  timestamp: string;
  signature: Uint8Array;
}

/** One keyed JSON row of the exchange between nodes (contracts §9); `kind` + `key` is unique. */
export interface ExchangeRow {
  /** Increasing per store: the order of an outbox. */
  seq: number;
  kind: string;
  key: string;
  partner: string | null;
  /** What the row is about (an item id), for listing by it. */
  ref: string | null;
  status: string;
  body: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface ExchangeRowInput {
  kind: string;
  key: string;
  partner?: string | null;
  ref?: string | null;
  status: string;
  body: unknown;
}

export interface ExchangeFilter {
  kind: string;
  partner?: string;
  status?: string;
  ref?: string;
  /** Rows with seq > afterSeq. */
  afterSeq?: number;
  limit?: number;
}

/** The storage port. Every method is async; `transaction` gives a Store whose calls are all-or-nothing. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';

  /**
   * Runs `fn` in one transaction (nested calls join the outer one). Throwing rolls everything back.
   * Inside `fn`, use only `tx`: calling the outer store there would wait for the transaction (SQLite has one
   * connection) and never return.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  // node meta
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  // people (R36: every change bumps `version`)
  createUser(user: NewUser): Promise<User>;
  getUser(name: string): Promise<User | null>;
  listUsers(): Promise<User[]>;
  updateUser(name: string, patch: UserPatch): Promise<User>;
  /** Sets the person's language without bumping the version: a preference does not cut open sessions. */
  setUserLang(name: string, lang: string | null): Promise<User>;

  // sessions and API tokens (by hash; the caller makes and hashes the token)
  createSession(session: Omit<Session, 'createdAt'> & { createdAt?: string }): Promise<void>;
  /** The live session of that hash; with `includeExpired`, also one that has expired (to say so). */
  getSession(tokenHash: string, options?: { includeExpired?: boolean }): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes every session and token of a person; returns how many. */
  deleteSessionsOfUser(userName: string): Promise<number>;
  deleteExpiredSessions(now: string): Promise<number>;

  // news feeds (contracts §11) and the keys their items are known by
  addFeed(feed: FeedRecord): Promise<void>;
  getFeed(id: string): Promise<FeedRecord | null>;
  listFeeds(): Promise<FeedRecord[]>;
  updateFeed(id: string, patch: FeedPatch): Promise<void>;
  findFeedKeys(keys: string[]): Promise<FeedKey[]>;
  /** Adds keys, or points held ones at a newer version's hash. */
  putFeedKeys(keys: FeedKey[]): Promise<void>;

  // the daily brief (contracts §11): subscriptions, and the outbox its mail waits in
  putBriefSubscription(subscription: BriefSubscriptionRecord): Promise<void>;
  getBriefSubscription(
    by: { person: string } | { confirmHash: string } | { unsubscribeToken: string },
  ): Promise<BriefSubscriptionRecord | null>;
  /** False when the person has no subscription. */
  updateBriefSubscription(person: string, patch: BriefSubscriptionPatch): Promise<boolean>;
  deleteBriefSubscription(person: string): Promise<boolean>;
  /** Confirmed subscriptions: all, or those due by `dueBy`, in due order. */
  listBriefSubscriptions(filter?: { dueBy?: string; limit?: number }): Promise<BriefSubscriptionRecord[]>;
  /** Queues mail; an id held already is left as it is. Returns the ids added. */
  enqueueMail(mail: MailRecord[]): Promise<string[]>;
  mailIdsHeld(ids: string[]): Promise<Set<string>>;
  /** Claims due mail for one sender until `leaseUntil` (a stopped sender's claims fall due again). */
  claimDueMail(now: string, leaseUntil: string, limit: number): Promise<MailRecord[]>;
  /** With `claim` (the sender's lease), recorded only while that claim holds; returns whether it was. */
  settleMail(id: string, patch: MailPatch, claim?: string): Promise<boolean>;
  listMail(filter?: {
    person?: string;
    kind?: MailRecord['kind'];
    state?: MailRecord['state'];
  }): Promise<MailRecord[]>;

  // marking-definitions (clear: they are never classified)
  putMarkingDefinitions(defs: MarkingDefinitionInput[]): Promise<void>;
  getMarkingDefinitions(ids: string[]): Promise<StoredMarkingDefinition[]>;
  listMarkingDefinitions(filter?: {
    kind?: string;
    alternativeOf?: string;
  }): Promise<StoredMarkingDefinition[]>;

  // STIX objects (content encrypted with a data key per item)
  putObjects(objects: ObjectInput[]): Promise<PutResult[]>;
  /** One page of versions matching `query`, after `options.after`, ordered by date_added. */
  fetchObjects(query: ObjectQuery, options?: FetchOptions): Promise<ObjectPage>;
  /** All matching rows in pages of `batchSize`, so the caller can filter per reader until its page is full. */
  scanObjects(
    query: ObjectQuery,
    options?: FetchOptions & { batchSize?: number },
  ): AsyncIterable<StoredObject>;
  /**
   * Decrypts the content of rows fetched without it (after the caller kept only those a reader may see), in
   * one query; rows no longer held (destroyed meanwhile) are left out.
   */
  withContent(rows: StoredObject[]): Promise<StoredObject[]>;
  /** The latest version (or the given version timestamp), or null. */
  getObject(id: string, version?: string): Promise<StoredObject | null>;
  getItem(id: string): Promise<ItemInfo | null>;
  /** R27: erases the data key, content and index rows; keeps a tombstone. False if nothing was held. */
  destroyObject(id: string): Promise<boolean>;
  /** R8: re-marks every stored version and index row of one object. `floor` updates the floor columns. */
  replaceMarking(
    objectId: string,
    oldMarkingId: string,
    newMarkingId: string,
    floor?: Omit<FloorInfo, 'floor'>,
  ): Promise<number>;

  // search (candidates only: the caller decides what counts)
  search(query: SearchQuery): Promise<SearchHit[]>;
  /**
   * Latest-version index rows matching `query.text`, newest first, already limited to the labels the reader
   * may read (`markings`, `floors`), so a reader's count costs only what they may count. A batch may hold
   * fewer than `limit` rows and still have a `next` (the row id to pass as `before`); null: no more rows.
   */
  scanSearch(query: SearchScanQuery): Promise<{ rows: SearchScanRow[]; next: number | null }>;

  // custody (R26)
  addCustody(record: CustodyInput): Promise<CustodyRecord>;
  /**
   * Many custody records in a few statements (a message's receipts): kinds without a copy number only
   * (a copy takes `addCustody`, which numbers it). Records get ascending seq in the order given.
   */
  addCustodyRecords(records: readonly CustodyInput[]): Promise<void>;
  listCustody(itemId: string): Promise<CustodyRecord[]>;

  // compromise reports (R28)
  createCompromise(report: CompromiseInput): Promise<CompromiseReport>;
  getCompromise(id: string): Promise<CompromiseReport | null>;
  listCompromises(filter?: { status?: CompromiseStatus; originator?: string }): Promise<CompromiseReport[]>;
  advanceCompromise(id: string, step: CompromiseAdvance): Promise<CompromiseReport>;

  // audit log (R29): dense indexes 0..n-1, group commits
  /** Appends in one transaction; returns the index of the first entry appended. */
  appendAudit(entries: AuditAppend[]): Promise<number>;
  auditSize(): Promise<number>;
  /** Rows with index in [from, to). */
  readAudit(from: number, to: number): Promise<AuditRow[]>;
  /** Leaf hashes with index in [from, to) (for proofs). */
  readAuditLeaves(from: number, to: number): Promise<Uint8Array[]>;
  putTreeHead(head: TreeHead): Promise<void>;
  getTreeHead(size: number): Promise<TreeHead | null>;
  latestTreeHead(): Promise<TreeHead | null>;

  // exchange between nodes (contracts §9): keyed JSON rows
  /** Inserts a row unless (kind, key) is held; returns the held row (`added` false) or the new one. */
  putExchange(row: ExchangeRowInput): Promise<{ row: ExchangeRow; added: boolean }>;
  /** Inserts many rows in a few statements, skipping any (kind, key) already held; returns how many were new. */
  putExchangeRows(rows: readonly ExchangeRowInput[]): Promise<number>;
  getExchange(kind: string, key: string): Promise<ExchangeRow | null>;
  /** Changes status and/or body of a row; null when there is none. */
  updateExchange(
    kind: string,
    key: string,
    patch: { status?: string; body?: unknown },
  ): Promise<ExchangeRow | null>;
  /** Rows of a kind in seq order. */
  listExchange(filter: ExchangeFilter): Promise<ExchangeRow[]>;
}

/** How to open a store. `nodeKey` (32 bytes) wraps every data key; `now` is the clock (ms since epoch). */
export type StoreOptions = ({ sqlitePath: string } | { pgUrl: string; pgSchema?: string }) & {
  nodeKey: Uint8Array;
  now?: () => number;
};
