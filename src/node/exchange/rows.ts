import type {
  AuditHead,
  ConsentRecord,
  ConsentRequest,
  Item,
  Message,
  Receipt,
  SignedRecord,
} from '../../exchange/index.js';
import type { PublicIdentity } from '../../identity/index.js';
import type { Answer } from '../../policy/index.js';
import type { ExchangeFilter, ExchangeRow, Store } from '../../store/index.js';

/**
 * The exchange's rows in the store's exchange table, typed by kind: each kind's body is one shape, decoded
 * once where rows are read (`getRow`, `listRows`). Rows in the shapes earlier versions wrote are brought to
 * today's by the store's migration 0005 when the store opens, so only today's shapes are read here.
 */

/** Row kinds this module keeps in the store's exchange table. */
export const ROWS = {
  outbox: 'outbox',
  inbox: 'inbox',
  releaseRequest: 'release-request',
  /** message id → release request id, written with the queued message: its receipt settles the request. */
  releaseMessage: 'release-message',
  consentRequestOut: 'consent-request-out',
  consentRequestIn: 'consent-request-in',
  consent: 'consent',
  signed: 'signed',
  signedMessage: 'signed-message',
  released: 'released',
  partner: 'partner',
  partnerHead: 'partner-head',
  headSent: 'head-sent',
  alarm: 'alarm',
  compromiseIn: 'compromise-in',
  compromiseSent: 'compromise-sent',
} as const;

/**
 * A queued item as the outbox keeps it: an object this node holds, by reference (id and version; its content
 * stays sealed in the store under its own data key, R27), with its proof and signatures; anything else (the
 * labels' marking-definitions, notices, consents) inline.
 */
export type QueuedItem = Item | (Omit<Item, 'object'> & { held: { id: string; version: string } });

/**
 * A pending outbox row (contracts §9): the message sealed for the partner as it goes on the wire (signed with
 * `envelope.time`, encrypted to the partner's key: this node cannot read it back), and what it takes to seal it
 * again once the partner's window for its time has passed — the envelope and the items, held objects by
 * reference. No item plaintext is written to the exchange table (R27, issue 3: content encrypted at rest).
 */
export interface OutboxBody {
  /** The sealed message, in the row (a node without an outbox folder). */
  jwe?: string;
  /**
   * The sealed message kept in the node's outbox folder instead (named by the message id), with its length
   * and SHA-256 so a missing or damaged file is known: the message is then sealed anew from `items`. Hundreds
   * of KB of ciphertext written, then zeroed (secure_delete) and checkpointed per message were a tenth of
   * the sender's CPU; a file is written once and unlinked when the message is settled.
   */
  file?: { length: number; sha256: string };
  envelope: Omit<Message, 'items'>;
  items: QueuedItem[];
}

/** A settled outbox row (delivered or refused for good): the envelope and item ids, the receipt or refusal. */
export interface SettledBody {
  message: Omit<Message, 'items'> & { items: string[] };
  receipt?: Receipt;
  refusal?: string;
}

/** A received message's id (replay) and the receipt it was answered with. */
export interface InboxBody {
  kind: Message['kind'];
  receipt?: Receipt;
}

/** A stored signed record of a label (R25: relayed as received). */
export interface SignedRow {
  record: SignedRecord;
}

/**
 * A received object's signed record without the object: the object is held (sealed) in the store, and the
 * proof, index, size and originator JWS are what relaying needs beside it (R25). Keeping the plaintext here
 * again doubled what the receiver wrote and would outlive the item's destruction (R27).
 */
export interface SignedProofRow {
  /** The object version the proof is for. */
  version: string;
  proof: SignedRecord['proof'];
  leafIndex: number;
  treeSize: number;
  originatorJws: string;
}

/**
 * The originator proofs of a received release message's stored objects, in one row per message (relaying
 * needs them, R25): a row per object was the largest part of what the receiver wrote beside the objects. An
 * object's row is found through its custody receipt, which names the message. Batch signatures are listed
 * once and named by position.
 */
export interface SignedMessageRow {
  jws: string[];
  items: { id: string; version: string; proof: string[]; leafIndex: number; treeSize: number; jws: number }[];
}

export interface ConsentRow {
  record: SignedRecord;
  consent: ConsentRecord;
}

/** Who holds a copy of an item (R8 notices go to every holder). */
export interface ReleasedRow {
  item: string;
  version: string;
  to: string;
  message: string;
}

/** An alarm as stored (see alarms.ts): what was raised, whom it is about, and its clearing once cleared. */
export interface AlarmRow {
  /** Its code, e.g. LOG_REWRITTEN. */
  alarm: string;
  message: string;
  /** The partner it is about. */
  party: string;
  /** When it was raised. */
  at: string;
  cleared?: { by: string; at: string; note: string };
  [more: string]: unknown;
}

/** A compromise report received from a partner (R28). */
export interface CompromiseInRow {
  id: string;
  item: string;
  status: string;
  from: string;
  receivedAt: string;
  [more: string]: unknown;
}

/** A partner node as this node knows it (contracts §5 `relto partner add`). */
export interface Partner {
  party: string;
  /** Base URL of its exchange listener (https://host:port). */
  url: string;
  identity: PublicIdentity;
  /** SHA-256 fingerprint of the CA its TLS certificates come from. */
  caFingerprint: string;
}

/**
 * `pending`: filed, or approved and not yet receipted; `delivered`: the partner's signed receipt arrived and
 * it stored every item; `refused`: by a releasing officer of this node, or by the partner (its reason);
 * `denied`: the rules denied the release at approval. (Rows that said `approved` for pending, delivered and
 * refused alike are rewritten by the store's migration 0005.)
 */
export type ReleaseStatus = 'pending' | 'delivered' | 'refused' | 'denied';

export interface ReleaseRefusal {
  /** Who refused: a person of this node (its releasing officer), or `node:PARTY` (the receiving node). */
  by: string;
  party: string;
  at: string;
  /** The releasing officer's note. */
  note?: string;
  /** The partner's reason code, and what it means. */
  code?: string;
  reason?: string;
  /** The items the partner refused, each with its code (a batch may be refused in part). */
  items?: { id: string; code: string }[];
}

export interface ReleaseRequestBody {
  id: string;
  /** The item (the first, for a batch). */
  item: string;
  /** Every item of a batch request (absent for one item). */
  items?: string[];
  /** The first item denied, for a batch. */
  deniedItem?: string;
  to: string;
  under?: string;
  /** Why the person filing it asks, for the releasing officer. */
  note?: string;
  by: string;
  at: string;
  status: ReleaseStatus;
  approvedBy?: string;
  approvedAt?: string;
  deliveredAt?: string;
  refusal?: ReleaseRefusal;
  decision?: Answer;
  message?: string;
}

/** Each kind's body. */
export interface RowBodies {
  outbox: OutboxBody | SettledBody;
  inbox: InboxBody;
  'release-request': ReleaseRequestBody;
  'release-message': { request: string };
  'consent-request-out': { request: ConsentRequest; askedBy: string };
  'consent-request-in': { request: ConsentRequest; askedBy?: string };
  consent: ConsentRow;
  signed: SignedRow | SignedProofRow;
  'signed-message': SignedMessageRow;
  released: ReleasedRow;
  partner: Partner;
  'partner-head': Omit<AuditHead, 'consistency'>;
  'head-sent': { treeSize: number };
  alarm: AlarmRow;
  'compromise-in': CompromiseInRow;
  'compromise-sent': { message: string };
}

export type RowKind = keyof RowBodies;

/** A row of one kind, its body decoded. */
export type Row<K extends RowKind> = Omit<ExchangeRow, 'kind' | 'body'> & { kind: K; body: RowBodies[K] };

/** A row to write, of one kind. */
export interface RowInput<K extends RowKind> {
  kind: K;
  key: string;
  partner?: string | null;
  ref?: string | null;
  status: string;
  body: RowBodies[K];
}

/** A row to write, of any kind (the union discriminated by `kind`). */
export type AnyRowInput = { [K in RowKind]: RowInput<K> }[RowKind];

/** The row of a consent this node holds for an item (R15–R17), by the consent's ref. */
export function heldConsentRow(record: SignedRecord, consent: ConsentRecord): RowInput<'consent'> {
  return { kind: 'consent', key: consent.ref, ref: consent.item, status: 'held', body: { record, consent } };
}

/** True for a pending outbox row's body (a settled one keeps only the message's summary). */
export function isQueued(body: RowBodies['outbox']): body is OutboxBody {
  return 'envelope' in body;
}

/** The one place a stored body becomes its kind's type (the store keeps JSON, this module owns its meaning). */
function decode<K extends RowKind>(kind: K, row: ExchangeRow): Row<K> {
  return { ...row, kind, body: row.body as RowBodies[K] };
}

export async function getRow<K extends RowKind>(store: Store, kind: K, key: string): Promise<Row<K> | null> {
  const row = await store.getExchange(kind, key);
  return row ? decode(kind, row) : null;
}

export async function listRows<K extends RowKind>(
  store: Store,
  filter: ExchangeFilter & { kind: K },
): Promise<Row<K>[]> {
  return (await store.listExchange(filter)).map((r) => decode(filter.kind, r));
}

export async function putRow<K extends RowKind>(
  store: Store,
  row: RowInput<K>,
): Promise<{ row: Row<K>; added: boolean }> {
  const put = await store.putExchange(row);
  return { row: decode(row.kind, put.row), added: put.added };
}

/** Inserts many rows in a few statements (rows already held are skipped). */
export function putRows(store: Store, rows: readonly AnyRowInput[]): Promise<number> {
  return store.putExchangeRows(rows);
}

export async function updateRow<K extends RowKind>(
  store: Store,
  kind: K,
  key: string,
  patch: { status?: string; body?: RowBodies[K] },
): Promise<Row<K> | null> {
  const row = await store.updateExchange(kind, key, patch);
  return row ? decode(kind, row) : null;
}
