import type { Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. JSON lists and maps are TEXT (same on both databases); booleans are
 * integers 0/1; instants are ISO 8601 TEXT except date_added, kept as microseconds since the epoch so that
 * it is a strictly increasing integer key.
 */
export interface MetaTable {
  key: string;
  value: string;
}

/** Named counters: the date_added clock, the audit size, search row ids, copy numbers per item. */
export interface CounterTable {
  name: string;
  value: number;
}

export interface UserTable {
  name: string;
  party: string;
  clearance: string;
  roles: string;
  designations: string;
  restrictive: string;
  contractor: number;
  official: number;
  disabled: number;
  password_hash: string;
  version: number;
  created_at: string;
  updated_at: string;
  /** The person's language for the web workspace (ko, ja, en), null when unset (0006). */
  lang: string | null;
}

export interface SessionTable {
  token_hash: string;
  user_name: string;
  kind: string;
  created_at: string;
  expires_at: string;
}

export interface MarkingDefinitionTable {
  id: string;
  kind: string;
  alternative_of: string | null;
  json: string;
  /** date_added (µs), from the clock object versions use: markings are objects of the collection. */
  added: number | null;
  /** `created`, normalised: a marking-definition has one version. */
  version: string | null;
}

/** A news feed the node polls (contracts §11): where it is, what it is about, and how its last poll went. */
export interface FeedTable {
  id: string;
  source: string;
  source_kind: string;
  title: string;
  every_seconds: number;
  lang: string | null;
  topics: string;
  etag: string | null;
  last_modified: string | null;
  status: string;
  problem: string | null;
  failures: number;
  polled_at: string | null;
  next_poll_at: string;
  created_at: string;
}

/** One key a news item is known by (its GUID, link or text) → the report it became, and that version's hash. */
export interface FeedKeyTable {
  key: string;
  report_id: string;
  hash: string;
  feed_id: string;
}

/** One row per item id: its wrapped data key, or the tombstone once destroyed (R27). */
export interface ItemTable {
  id: string;
  type: string;
  wrapped_key: Uint8Array | null;
  created_at: string;
  destroyed_at: string | null;
}

/** One row per stored version; `added` (date_added in µs) is the key and the TAXII cursor. */
export interface ObjectVersionTable {
  added: number;
  id: string;
  version: string;
  type: string;
  spec_version: string;
  modified: string | null;
  created: string | null;
  created_by_ref: string | null;
  latest: number;
  floor: string | null;
  marking_refs: string;
  granular_markings: string;
  originator: string | null;
  level_rank: number | null;
  tier: string | null;
  topics: string;
  content: Uint8Array;
}

/** One search row per (object version, marking scope); the words themselves live in the dialect's index. */
export interface SearchRowTable {
  row_id: number;
  object_id: string;
  version: string;
  marking_id: string;
  type: string;
  originator: string | null;
  level_rank: number | null;
  tier: string | null;
  topics: string;
  stamp: string;
  latest: number;
  /** SQLite only: the text sealed with the item's data key (to delete its FTS5 terms on destruction). */
  sealed_text?: Uint8Array | null;
  /** PostgreSQL only: the tsvector of the text. */
  tsv?: unknown;
}

/** SQLite only: the contentless FTS5 index (rowid = search_rows.row_id). */
export interface SearchFtsTable {
  rowid: number;
  text: string;
}

export interface CustodyTable {
  seq: Generated<number>;
  item_id: string;
  kind: string;
  copy_number: number | null;
  by_user: string;
  at: string;
  details: string;
}

export interface CompromiseTable {
  id: string;
  items: string;
  reported_by: string;
  reported_at: string;
  originator: string;
  status: string;
  deadlines: string;
  description: string | null;
  findings: string | null;
  measures: string | null;
  history: string;
  updated_at: string;
}

export interface AuditLogTable {
  idx: number;
  leaf_hash: Uint8Array;
  entry: string;
  appended_at: string;
}

export interface AuditHeadTable {
  size: number;
  root_hash: Uint8Array;
  timestamp: string;
  signature: Uint8Array;
}

/** Keyed JSON rows of the exchange between nodes (outbox, requests, consents, partners…), see exchange-table.ts. */
export interface ExchangeRowTable {
  seq: Generated<number>;
  kind: string;
  key: string;
  partner: string | null;
  ref: string | null;
  status: string;
  body: string;
  created_at: string;
  updated_at: string;
}

/**
 * A person's subscription to the daily brief (contracts §11). The confirmation token is kept as its SHA-256
 * (it is mailed once); the unsubscribe token as itself, since every brief carries it.
 */
export interface BriefSubscriptionTable {
  person: string;
  email: string;
  time: string;
  time_zone: string;
  lang: string;
  topics: string;
  state: string;
  confirm_hash: string | null;
  confirm_expires_at: string | null;
  unsubscribe_token: string;
  requested_at: string;
  confirmed_at: string | null;
  next_send_at: string | null;
}

/** A mail to send (a confirmation, a brief): kept until the relay takes it, so none is lost or sent twice. */
export interface MailOutboxTable {
  id: string;
  kind: string;
  person: string;
  recipient: string;
  message: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface Database {
  meta: MetaTable;
  counters: CounterTable;
  users: UserTable;
  sessions: SessionTable;
  marking_definitions: MarkingDefinitionTable;
  feeds: FeedTable;
  feed_keys: FeedKeyTable;
  brief_subscriptions: BriefSubscriptionTable;
  mail_outbox: MailOutboxTable;
  items: ItemTable;
  object_versions: ObjectVersionTable;
  search_rows: SearchRowTable;
  search_fts: SearchFtsTable;
  custody: CustodyTable;
  compromises: CompromiseTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadTable;
  exchange_rows: ExchangeRowTable;
}
