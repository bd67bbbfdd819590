import type { Kysely } from 'kysely';
import { ReltoError } from '../errors/index.js';
import * as audit from './audit.js';
import * as briefs from './briefs.js';
import type { Hook, Scope, StoreContext } from './context.js';
import * as custody from './custody.js';
import type { Database } from './database.js';
import * as exchange from './exchange-rows.js';
import * as feeds from './feeds.js';
import * as markings from './markings.js';
import * as meta from './meta.js';
import type { DialectName } from './migrations.js';
import * as reads from './object-reads.js';
import * as writes from './object-writes.js';
import * as people from './people.js';
import * as search from './search.js';
import type {
  AuditAppend,
  AuditRow,
  BriefSubscriptionPatch,
  BriefSubscriptionRecord,
  CompromiseAdvance,
  CompromiseInput,
  CompromiseReport,
  CompromiseStatus,
  CustodyInput,
  CustodyRecord,
  ExchangeFilter,
  ExchangeRow,
  ExchangeRowInput,
  FeedKey,
  FeedPatch,
  FeedRecord,
  FetchOptions,
  FloorInfo,
  ItemInfo,
  MailPatch,
  MailRecord,
  MarkingDefinitionInput,
  NewUser,
  ObjectInput,
  ObjectPage,
  ObjectQuery,
  PutResult,
  SearchHit,
  SearchQuery,
  SearchScanQuery,
  SearchScanRow,
  Session,
  Store,
  StoredMarkingDefinition,
  StoredObject,
  TreeHead,
  User,
  UserPatch,
} from './store.js';

/** The connection or transaction the table groups run in; a transaction opens a new scope over it. */
class KyselyScope implements Scope {
  constructor(
    readonly db: Kysely<Database>,
    readonly ctx: StoreContext,
    readonly afterCommit: Hook[] | null,
  ) {}

  nowIso(): string {
    return new Date(this.ctx.now()).toISOString();
  }

  async atomic<T>(fn: (s: Scope) => Promise<T>): Promise<T> {
    if (this.afterCommit) return fn(this);
    const hooks: Hook[] = [];
    const result = await this.db.transaction().execute((trx) => fn(new KyselyScope(trx, this.ctx, hooks)));
    for (const hook of hooks) await hook();
    return result;
  }
}

/** The store over `db`, the root connection (outside any transaction). */
export function kyselyStore(db: Kysely<Database>, ctx: StoreContext): Store {
  return new KyselyStore(new KyselyScope(db, ctx, null));
}

/**
 * The one Store implementation: each method hands its scope to the table group that owns it (meta, people,
 * markings, objects, search, custody, audit, exchange rows). The dialects differ only in `DialectOps` and
 * how they connect. Methods return the group's promise as it is: no await of their own on the hot paths.
 */
class KyselyStore implements Store {
  readonly dialect: DialectName;

  constructor(private readonly scope: Scope) {
    this.dialect = scope.ctx.ops.name;
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.scope.atomic((s) => fn(s === this.scope ? this : new KyselyStore(s)));
  }

  async close(): Promise<void> {
    if (this.scope.afterCommit) throw new ReltoError('INTERNAL', 'close the store, not a transaction');
    // The dialect's own work first (a background checkpoint may still hold a connection to the file).
    await this.scope.ctx.onClose();
    await this.scope.db.destroy();
  }

  getMeta(key: string): Promise<string | null> {
    return meta.getMeta(this.scope, key);
  }
  setMeta(key: string, value: string): Promise<void> {
    return meta.setMeta(this.scope, key, value);
  }

  putBriefSubscription(subscription: BriefSubscriptionRecord): Promise<void> {
    return briefs.putBriefSubscription(this.scope, subscription);
  }
  getBriefSubscription(
    by: { person: string } | { confirmHash: string } | { unsubscribeToken: string },
  ): Promise<BriefSubscriptionRecord | null> {
    return briefs.getBriefSubscription(this.scope, by);
  }
  updateBriefSubscription(person: string, patch: BriefSubscriptionPatch): Promise<boolean> {
    return briefs.updateBriefSubscription(this.scope, person, patch);
  }
  deleteBriefSubscription(person: string): Promise<boolean> {
    return briefs.deleteBriefSubscription(this.scope, person);
  }
  listBriefSubscriptions(filter?: { dueBy?: string; limit?: number }): Promise<BriefSubscriptionRecord[]> {
    return briefs.listBriefSubscriptions(this.scope, filter);
  }
  enqueueMail(mail: MailRecord[]): Promise<string[]> {
    return briefs.enqueueMail(this.scope, mail);
  }
  mailIdsHeld(ids: string[]): Promise<Set<string>> {
    return briefs.mailIdsHeld(this.scope, ids);
  }
  claimDueMail(now: string, leaseUntil: string, limit: number): Promise<MailRecord[]> {
    return briefs.claimDueMail(this.scope, now, leaseUntil, limit);
  }
  settleMail(id: string, patch: MailPatch, claim?: string): Promise<boolean> {
    return briefs.settleMail(this.scope, id, patch, claim);
  }
  listMail(filter?: {
    person?: string;
    kind?: MailRecord['kind'];
    state?: MailRecord['state'];
  }): Promise<MailRecord[]> {
    return briefs.listMail(this.scope, filter);
  }

  addFeed(feed: FeedRecord): Promise<void> {
    return feeds.addFeed(this.scope, feed);
  }
  getFeed(id: string): Promise<FeedRecord | null> {
    return feeds.getFeed(this.scope, id);
  }
  listFeeds(): Promise<FeedRecord[]> {
    return feeds.listFeeds(this.scope);
  }
  updateFeed(id: string, patch: FeedPatch): Promise<void> {
    return feeds.updateFeed(this.scope, id, patch);
  }
  findFeedKeys(keys: string[]): Promise<FeedKey[]> {
    return feeds.findFeedKeys(this.scope, keys);
  }
  putFeedKeys(keys: FeedKey[]): Promise<void> {
    return feeds.putFeedKeys(this.scope, keys);
  }

  createUser(user: NewUser): Promise<User> {
    return people.createUser(this.scope, user);
  }
  getUser(name: string): Promise<User | null> {
    return people.getUser(this.scope, name);
  }
  listUsers(): Promise<User[]> {
    return people.listUsers(this.scope);
  }
  updateUser(name: string, patch: UserPatch): Promise<User> {
    return people.updateUser(this.scope, name, patch);
  }
  setUserLang(name: string, lang: string | null): Promise<User> {
    return people.setUserLang(this.scope, name, lang);
  }
  createSession(session: Omit<Session, 'createdAt'> & { createdAt?: string }): Promise<void> {
    return people.createSession(this.scope, session);
  }
  getSession(tokenHash: string, options?: { includeExpired?: boolean }): Promise<Session | null> {
    return people.getSession(this.scope, tokenHash, options);
  }
  deleteSession(tokenHash: string): Promise<void> {
    return people.deleteSession(this.scope, tokenHash);
  }
  deleteSessionsOfUser(userName: string): Promise<number> {
    return people.deleteSessionsOfUser(this.scope, userName);
  }
  deleteExpiredSessions(now: string): Promise<number> {
    return people.deleteExpiredSessions(this.scope, now);
  }

  putMarkingDefinitions(defs: MarkingDefinitionInput[]): Promise<void> {
    return markings.putMarkingDefinitions(this.scope, defs);
  }
  getMarkingDefinitions(ids: string[]): Promise<StoredMarkingDefinition[]> {
    return markings.getMarkingDefinitions(this.scope, ids);
  }
  listMarkingDefinitions(filter?: {
    kind?: string;
    alternativeOf?: string;
  }): Promise<StoredMarkingDefinition[]> {
    return markings.listMarkingDefinitions(this.scope, filter);
  }

  putObjects(objects: ObjectInput[]): Promise<PutResult[]> {
    return writes.putObjects(this.scope, objects);
  }
  replaceMarking(
    objectId: string,
    oldMarkingId: string,
    newMarkingId: string,
    floor?: Omit<FloorInfo, 'floor'>,
  ): Promise<number> {
    return writes.replaceMarking(this.scope, objectId, oldMarkingId, newMarkingId, floor);
  }
  fetchObjects(query: ObjectQuery, options?: FetchOptions): Promise<ObjectPage> {
    return reads.fetchObjects(this.scope, query, options);
  }
  scanObjects(
    query: ObjectQuery,
    options?: FetchOptions & { batchSize?: number },
  ): AsyncIterable<StoredObject> {
    return reads.scanObjects(this.scope, query, options);
  }
  withContent(rows: StoredObject[]): Promise<StoredObject[]> {
    return reads.withContent(this.scope, rows);
  }
  getObject(id: string, version?: string): Promise<StoredObject | null> {
    return reads.getObject(this.scope, id, version);
  }
  getItem(id: string): Promise<ItemInfo | null> {
    return reads.getItem(this.scope, id);
  }

  search(query: SearchQuery): Promise<SearchHit[]> {
    return search.search(this.scope, query);
  }
  scanSearch(query: SearchScanQuery): Promise<{ rows: SearchScanRow[]; next: number | null }> {
    return search.scanSearch(this.scope, query);
  }

  addCustody(record: CustodyInput): Promise<CustodyRecord> {
    return custody.addCustody(this.scope, record);
  }
  addCustodyRecords(records: readonly CustodyInput[]): Promise<void> {
    return custody.addCustodyRecords(this.scope, records);
  }
  listCustody(itemId: string): Promise<CustodyRecord[]> {
    return custody.listCustody(this.scope, itemId);
  }
  destroyObject(id: string): Promise<boolean> {
    return custody.destroyObject(this.scope, id);
  }
  createCompromise(report: CompromiseInput): Promise<CompromiseReport> {
    return custody.createCompromise(this.scope, report);
  }
  getCompromise(id: string): Promise<CompromiseReport | null> {
    return custody.getCompromise(this.scope, id);
  }
  listCompromises(filter?: { status?: CompromiseStatus; originator?: string }): Promise<CompromiseReport[]> {
    return custody.listCompromises(this.scope, filter);
  }
  advanceCompromise(id: string, step: CompromiseAdvance): Promise<CompromiseReport> {
    return custody.advanceCompromise(this.scope, id, step);
  }

  appendAudit(entries: AuditAppend[]): Promise<number> {
    return audit.appendAudit(this.scope, entries);
  }
  auditSize(): Promise<number> {
    return audit.auditSize(this.scope);
  }
  readAudit(from: number, to: number): Promise<AuditRow[]> {
    return audit.readAudit(this.scope, from, to);
  }
  readAuditLeaves(from: number, to: number): Promise<Uint8Array[]> {
    return audit.readAuditLeaves(this.scope, from, to);
  }
  putTreeHead(head: TreeHead): Promise<void> {
    return audit.putTreeHead(this.scope, head);
  }
  getTreeHead(size: number): Promise<TreeHead | null> {
    return audit.getTreeHead(this.scope, size);
  }
  latestTreeHead(): Promise<TreeHead | null> {
    return audit.latestTreeHead(this.scope);
  }

  putExchange(row: ExchangeRowInput): Promise<{ row: ExchangeRow; added: boolean }> {
    return exchange.putExchange(this.scope, row);
  }
  putExchangeRows(rows: readonly ExchangeRowInput[]): Promise<number> {
    return exchange.putExchangeRows(this.scope, rows);
  }
  getExchange(kind: string, key: string): Promise<ExchangeRow | null> {
    return exchange.getExchange(this.scope, kind, key);
  }
  updateExchange(
    kind: string,
    key: string,
    patch: { status?: string; body?: unknown },
  ): Promise<ExchangeRow | null> {
    return exchange.updateExchange(this.scope, kind, key, patch);
  }
  listExchange(filter: ExchangeFilter): Promise<ExchangeRow[]> {
    return exchange.listExchange(this.scope, filter);
  }
}
