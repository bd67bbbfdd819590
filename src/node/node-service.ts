import { createPublicKey } from 'node:crypto';
import type { AuditEntry, AuditEntryInput, VerifyLogResult } from '../audit/index.js';
import { ReltoError } from '../errors/index.js';
import type { Label } from '../label/index.js';
import type { Answer, DecisionRequest } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { loadReltoStixObjects, oasisValidator, partyIdentityId } from '../stix/index.js';
import type { CompromiseAdvance, CustodyKind, FeedRecord, StixObject, Store } from '../store/index.js';
import { AuditLog, type AuditLogOptions, verifyStoredLog } from './audit-log.js';
import { BriefDesk } from './brief/index.js';
import { deciderFor, type NodeContext } from './context.js';
import * as custody from './custody/index.js';
import * as feeds from './feeds/index.js';
import { HeldConsents } from './held-consents.js';
import { postObjects, readPost } from './ingest/index.js';
import { LabelBook } from './labels.js';
import {
  type InitNodeOptions,
  initNode,
  type NodeConfig,
  openNodeData,
  readNodeFolder,
} from './node-data.js';
import { People, type UserChange, type UserInput, type UserView } from './people.js';
import * as serve from './serve/index.js';
import type {
  AuditHeadView,
  ExchangeService,
  FeedPollResult,
  ItemEntity,
  ManifestPage,
  NewFeed,
  NewsPage,
  NewsQuery,
  NodeService,
  ObjectFilter,
  ObjectsPage,
  Person,
  PersonChange,
  PostResult,
  SearchRequest,
  SearchResult,
  VersionsPage,
} from './service.js';
import type { SignInThrottleOptions } from './sign-in-throttle.js';

/** Node administration: what `relto user add|set` and an admin console do (the data folder is the authority). */
export interface NodeAdmin {
  addUser(input: UserInput): Promise<UserView>;
  /** `by`: the person who made the change, named in its audit entry (default: the node's console). */
  setUser(name: string, change: UserChange, by?: string): Promise<UserView>;
  listUsers(): Promise<UserView[]>;
  getUser(name: string): Promise<UserView | null>;
  /** News feeds (`relto feed add|list|poll`): added and polled as the node itself, audited. */
  addFeed(input: NewFeed, by?: string): Promise<FeedRecord>;
  listFeeds(): Promise<FeedRecord[]>;
  pollFeed(id: string): Promise<FeedPollResult>;
  /** Polls every feed whose time has come, one after another (a failing one never stops the rest). */
  pollDueFeeds(): Promise<FeedPollResult[]>;
}

export interface OpenNodeOptions {
  dataDir: string;
  /** PostgreSQL URL for a node initialised with one (else RELTO_PG_URL). */
  pgUrl?: string;
  /** The clock (ms since epoch); tests pass a fixed one. */
  now?: () => number;
  audit?: AuditLogOptions;
  /** Poll people's versions this often (ms) so other processes' changes reach listeners (R36); 0 = never. */
  watchPeopleMs?: number;
  /** Lifetime of bearer tokens in hours (default 8). */
  tokenHours?: number;
  /** Failed sign-ins allowed per name and per address within a window (defaults: 5 and 20 in 15 min). */
  signIn?: SignInThrottleOptions;
}

/** The fixed relto objects (identities, extension definitions): held by every node, public (§6). */
const FIXED = loadReltoStixObjects() as StixObject[];

/** The node service and its admin surface. */
export class ReltoNode implements NodeService {
  readonly party: string;
  readonly registry: CompiledRegistry;
  readonly identityId: string;
  readonly collectionId: string;
  readonly admin: NodeAdmin;
  /** The daily brief: subscriptions, its schedule and its outbox (contracts §11). */
  readonly brief: BriefDesk;
  /** Set when the node runs its exchange (src/node/exchange). */
  exchange?: ExchangeService;
  /** Called after this node, as originator, reclassified an item (R8: the exchange notifies holders). */
  onReclassified?: (itemId: string, label: Label) => Promise<void>;
  private readonly ctx: NodeContext;
  private closed = false;

  private constructor(
    ctx: NodeContext,
    readonly config: NodeConfig,
  ) {
    this.ctx = ctx;
    this.party = ctx.party;
    this.registry = ctx.registry;
    this.identityId = ctx.identityId;
    this.collectionId = ctx.collectionId;
    const people = ctx.people;
    const audit = ctx.audit;
    const at = () => new Date(ctx.clock()).toISOString();
    const actor = `node:${ctx.party}`;
    this.brief = new BriefDesk(ctx, (a) => this.me(a));
    this.admin = {
      addUser: async (input) => {
        const u = await people.addUser(input);
        await audit.append({
          kind: 'person',
          at: at(),
          actor,
          subjects: [u.name],
          action: 'add',
          details: attributes(u),
        });
        return u;
      },
      setUser: async (name, change, by) => {
        const u = await people.setUser(name, change);
        const { password: _p, ...changed } = change;
        await audit.append({
          kind: 'person',
          at: at(),
          actor: by ?? actor,
          subjects: [u.name],
          action: 'set',
          details: { ...changed, ...(change.password ? { password: 'changed' } : {}), version: u.version },
        });
        return u;
      },
      listUsers: () => people.listUsers(),
      getUser: (name) => people.getUser(name),
      addFeed: async (input, by) => {
        const feed = await feeds.addFeed(ctx, input);
        await audit.append({
          kind: 'node',
          at: at(),
          actor: by ?? actor,
          subjects: [feed.id],
          action: 'feed-add',
          details: { source: feed.source, every: feed.everySeconds, topics: feed.topics },
        });
        return feed;
      },
      listFeeds: () => ctx.store.listFeeds(),
      pollFeed: (id) => feeds.pollFeed(ctx, id),
      pollDueFeeds: async () => {
        const now = at();
        const out: FeedPollResult[] = [];
        for (const f of await ctx.store.listFeeds()) {
          if (f.nextPollAt > now) continue;
          try {
            out.push(await feeds.pollFeed(ctx, f.id));
          } catch (e) {
            // Whatever went wrong with one feed, the others are still polled.
            const problem = { kind: 'internal', message: (e as Error).message };
            out.push({ feed: f.id, status: 'failing', taken: 0, updated: 0, unchanged: 0, problem });
          }
        }
        return out;
      },
    };
  }

  /** Opens a node's data folder as a running service. */
  static async open(options: OpenNodeOptions): Promise<ReltoNode> {
    const data = await openNodeData({
      dataDir: options.dataDir,
      ...(options.pgUrl ? { pgUrl: options.pgUrl } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const clock = options.now ?? Date.now;
    try {
      const audit = await AuditLog.open(data.store, data.signingKey, data.config.party, clock, options.audit);
      const people = new People(data.store, data.registry, data.config.party, clock, {
        ...(options.tokenHours !== undefined ? { tokenHours: options.tokenHours } : {}),
        ...(options.signIn ? { signIn: options.signIn } : {}),
        // R29: refused sign-ins are audited (the name tried, the address, the reason; never the password).
        audit: (entry) => audit.record(entry),
      });
      const ctx: NodeContext = {
        party: data.config.party,
        identityId: partyIdentityId(data.config.party),
        collectionId: data.config.collectionId,
        registry: data.registry,
        store: data.store,
        book: new LabelBook(data.store, data.config.party),
        audit,
        people,
        // Compiled on first use: CLI commands that post nothing never pay for the OASIS schemas.
        get validator() {
          return oasisValidator();
        },
        clock,
        fixedIds: new Set(FIXED.map((o) => o.id)),
        consents: new HeldConsents(data.store),
      };
      await ctx.consents!.load();
      if (options.watchPeopleMs) people.watch(options.watchPeopleMs);
      return new ReltoNode(ctx, data.config);
    } catch (e) {
      await data.store.close();
      throw e;
    }
  }

  /** What the node's parts work with (the exchange composes it). */
  get context(): NodeContext {
    return this.ctx;
  }

  /** The store (for tests and tools that prove what is on disk). */
  get store(): Store {
    return this.ctx.store;
  }

  // ---- people (R36)

  authenticateBasic(name: string, password: string, address?: string): Promise<Person | null> {
    return this.ctx.people.authenticateBasic(name, password, address);
  }

  authenticateToken(token: string): Promise<Person | null> {
    return this.ctx.people.authenticateToken(token);
  }

  issueToken(person: Person, kind: 'session' | 'token'): Promise<{ token: string; expiresAt: string }> {
    return this.ctx.people.issueToken(person, kind);
  }

  revokeToken(token: string): Promise<void> {
    return this.ctx.people.revokeToken(token);
  }

  sessionCsrf(token: string): Promise<string> {
    return this.ctx.people.sessionCsrf(token);
  }

  setLang(actor: Person, lang: string): Promise<Person> {
    return this.ctx.people.setLang(actor, lang);
  }

  refreshPerson(person: Person): Promise<Person | null> {
    return this.ctx.people.current(person.name);
  }

  onPersonChanged(listener: (name: string) => void): () => void {
    return this.ctx.people.onPersonChanged(listener);
  }

  // ---- the people register (R36: a change takes effect at once; R29: audited, naming who made it)

  async listPeople(actor: Person): Promise<UserView[]> {
    deciderFor(this.ctx, await this.me(actor)).require('manage-people');
    return this.admin.listUsers();
  }

  async updatePerson(actor: Person, name: string, change: PersonChange): Promise<UserView> {
    const me = await this.me(actor);
    deciderFor(this.ctx, me).require('manage-people');
    // Nobody raises their own clearance or roles, or locks themselves out: another officer does it.
    if (name === me.name) {
      throw new ReltoError('FORBIDDEN', "a person's own clearance, roles and status are changed by another");
    }
    if (!(await this.admin.getUser(name))) throw new ReltoError('NOT_FOUND', `no person ${name}`, '');
    return this.admin.setUser(name, change, me.name);
  }

  // ---- news feeds (administrators)

  async addFeed(actor: Person, input: NewFeed): Promise<FeedRecord> {
    const me = await this.me(actor);
    deciderFor(this.ctx, me).require('manage-feeds');
    return this.admin.addFeed(input, me.name);
  }

  async listFeeds(actor: Person): Promise<FeedRecord[]> {
    deciderFor(this.ctx, await this.me(actor)).require('manage-feeds');
    return this.admin.listFeeds();
  }

  async pollFeed(actor: Person, feedId: string): Promise<FeedPollResult> {
    deciderFor(this.ctx, await this.me(actor)).require('manage-feeds');
    return this.admin.pollFeed(feedId);
  }

  async itemEntities(actor: Person, itemId: string, lang: 'ko' | 'ja' | 'en'): Promise<ItemEntity[] | null> {
    return feeds.itemEntities(this.ctx, await this.me(actor), itemId, lang);
  }

  async listNews(actor: Person, query: NewsQuery): Promise<NewsPage> {
    return feeds.listNews(this.ctx, await this.me(actor), query);
  }

  /** Every call acts as the person's current self: a lowered clearance applies to a held Person at once (R36). */
  private me(actor: Person): Promise<Person> {
    return this.ctx.people.require(actor);
  }

  // ---- items

  async postObjects(actor: Person, objects: unknown[]): Promise<PostResult> {
    return postObjects(this.ctx, await this.me(actor), objects);
  }

  async getPost(actor: Person, postId: string): Promise<PostResult | null> {
    const me = await this.me(actor);
    const kept = await readPost(this.ctx, postId);
    if (!kept) return null;
    // A post's result lists ids: only its poster (or an administrator) sees it.
    return kept.poster === me.name || deciderFor(this.ctx, me).may('read-any-status') ? kept.result : null;
  }

  async listObjects(actor: Person, filter: ObjectFilter): Promise<ObjectsPage> {
    return serve.listObjects(this.ctx, await this.me(actor), filter);
  }

  async getObject(actor: Person, id: string, filter: ObjectFilter): Promise<ObjectsPage> {
    return serve.getObject(this.ctx, await this.me(actor), id, filter);
  }

  async manifest(actor: Person, filter: ObjectFilter): Promise<ManifestPage> {
    return serve.manifest(this.ctx, await this.me(actor), filter);
  }

  async versions(actor: Person, id: string, filter: ObjectFilter): Promise<VersionsPage> {
    return serve.versions(this.ctx, await this.me(actor), id, filter);
  }

  async destroyObject(actor: Person, id: string, _filter: ObjectFilter): Promise<boolean> {
    // TAXII DELETE removes the object; relto destroys the whole item (every version, R27).
    return custody.destroyObject(this.ctx, await this.me(actor), id);
  }

  async search(actor: Person, request: SearchRequest): Promise<SearchResult> {
    return serve.search(this.ctx, await this.me(actor), request);
  }

  // ---- custody and compromise

  async recordCustody(
    actor: Person,
    itemId: string,
    kind: Exclude<CustodyKind, 'receipt' | 'destruction' | 'reclassification'>,
    details?: Record<string, unknown>,
  ) {
    return custody.recordCustody(this.ctx, await this.me(actor), itemId, kind, details);
  }

  async listCustody(actor: Person, itemId: string) {
    return custody.listCustody(this.ctx, await this.me(actor), itemId);
  }

  async reportCompromise(
    actor: Person,
    report: { items: string[]; description?: string; deadlines?: Record<string, string> },
  ) {
    return custody.reportCompromise(this.ctx, await this.me(actor), report);
  }

  async advanceCompromise(actor: Person, id: string, step: Omit<CompromiseAdvance, 'by'>) {
    return custody.advanceCompromise(this.ctx, await this.me(actor), id, step);
  }

  async listCompromises(actor: Person) {
    return custody.listCompromises(this.ctx, await this.me(actor));
  }

  async reclassify(actor: Person, itemId: string, newLabel: unknown): Promise<void> {
    await custody.reclassify(this.ctx, await this.me(actor), itemId, newLabel);
    if (this.onReclassified) await this.onReclassified(itemId, newLabel as Label);
  }

  // ---- decisions asked directly: always for the signed-in person, whatever principal the request names (§5)

  async decideFor(actor: Person, request: Omit<DecisionRequest, 'principal'>): Promise<Answer> {
    const decider = deciderFor(this.ctx, await this.me(actor));
    const answer = decider.ask(request);
    serve.finish(this.ctx, decider, 'decide');
    return answer;
  }

  // ---- audit (R35: security officers and administrators read the log; anyone else the entries of their own
  // acts, and the signed head, which is hashes and is published anyway)

  private async auditor(actor: Person): Promise<Person> {
    const me = await this.me(actor);
    deciderFor(this.ctx, me).require('read-audit');
    return me;
  }

  async auditHead(actor: Person): Promise<AuditHeadView> {
    await this.me(actor);
    const h = await this.ctx.audit.head();
    return {
      treeSize: h.treeSize,
      rootHash: h.rootHash,
      timestamp: h.timestamp,
      signature: h.signature,
      origin: h.origin ?? this.party,
      publicKey: this.ctx.audit.publicKey(),
    };
  }

  async auditEntries(
    actor: Person,
    from: number,
    to: number,
  ): Promise<{ index: number; entry: AuditEntry }[]> {
    const me = await this.me(actor);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
      throw new ReltoError('MALFORMED_REQUEST', 'from and to are integers with 0 <= from <= to');
    }
    const entries = await this.ctx.audit.entries(from, Math.min(to, from + 10_000));
    const decider = deciderFor(this.ctx, me);
    return entries.filter((e) => decider.maySeeAuditEntry(e.entry)); // R35
  }

  async inclusionProof(actor: Person, index: number, treeSize: number) {
    const me = await this.me(actor);
    const decider = deciderFor(this.ctx, me);
    if (!decider.may('read-audit')) {
      // R35: a proof's hashes are kept to the entries the person may see.
      const [e] = Number.isSafeInteger(index) ? await this.ctx.audit.entries(index, index + 1) : [];
      if (!e || !decider.maySeeAuditEntry(e.entry)) decider.require('read-audit');
    }
    return this.ctx.audit.inclusionProof(index, treeSize);
  }

  async consistencyProof(actor: Person, from: number, to: number) {
    await this.auditor(actor);
    return this.ctx.audit.consistencyProof(from, to);
  }

  /** Appends a node event to the audit log (committed before this resolves). */
  appendAudit(entry: AuditEntryInput): Promise<number> {
    return this.ctx.audit.append(entry);
  }

  /** Queues a node event for the next group commit without waiting for it. */
  recordAudit(entry: AuditEntryInput): void {
    this.ctx.audit.record(entry);
  }

  /** Writes queued audit entries now (tests and tools). */
  flushAudit(): Promise<void> {
    return this.ctx.audit.flush();
  }

  /**
   * Makes ready what the first request would otherwise pay for, before the node takes traffic: the OASIS
   * STIX schemas compiled (a hundred files) and each type's check run once.
   */
  warm(): void {
    const validator = this.ctx.validator;
    for (const type of validator.types())
      validator.validateObject({ type, id: `${type}--00000000-0000-4000-8000-000000000000` });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.people.stop();
    try {
      await this.brief.close();
      await this.ctx.audit.close();
    } finally {
      await this.ctx.store.close();
    }
  }
}

function attributes(u: UserView): Record<string, unknown> {
  return {
    clearance: u.clearance,
    roles: u.roles,
    designations: u.designations,
    restrictive: u.restrictive,
    contractor: u.contractor,
    official: u.official,
    disabled: u.disabled,
    version: u.version,
  };
}

/** Opens a node's data folder: the NodeService the edges use, plus `admin` for people. */
export function openNode(options: OpenNodeOptions): Promise<ReltoNode> {
  return ReltoNode.open(options);
}

/**
 * `relto node init`: keys, node.json, registry and store; the fixed relto objects are stored (public) and
 * the first audit entry records the node's creation.
 */
export async function createNode(options: InitNodeOptions): Promise<NodeConfig> {
  const data = await initNode(options);
  try {
    await data.store.putObjects(FIXED.map((object) => ({ object, floor: null })));
  } finally {
    await data.store.close();
  }
  const pgUrl = options.pgUrl ?? (options.usePgEnv ? process.env.RELTO_PG_URL || undefined : undefined);
  const node = await ReltoNode.open({
    dataDir: options.dataDir,
    ...(pgUrl ? { pgUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  try {
    await node.appendAudit({
      kind: 'node',
      at: new Date((options.now ?? Date.now)()).toISOString(),
      actor: `node:${options.party}`,
      action: 'init',
      details: { store: data.config.store },
    });
  } finally {
    await node.close();
  }
  return data.config;
}

/**
 * `relto audit verify`: recomputes every entry, link and the latest signed head of a node's log (R29) and
 * names the first altered or missing entry.
 */
export async function verifyAudit(options: { dataDir: string; pgUrl?: string }): Promise<VerifyLogResult> {
  const folder = readNodeFolder(options.dataDir);
  const data = await openNodeData({
    dataDir: options.dataDir,
    ...(options.pgUrl ? { pgUrl: options.pgUrl } : {}),
  });
  try {
    return await verifyStoredLog(data.store, createPublicKey(folder.signingKey), folder.config.party);
  } finally {
    await data.store.close();
  }
}
