/**
 * The node's service port: what one nation's node offers to its edges (HTTP API, TAXII, CLI client,
 * later the exchange, CoT and WebSocket). Every method acts as an authenticated person and every read goes
 * through decide() and redact(): the edges hold no rule (architecture: "one rule, one place").
 */

import type { Lang } from '../label/index.js';
import type { Answer, DecisionRequest, Principal } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import type {
  CompromiseAdvance,
  CompromiseReport,
  CustodyKind,
  CustodyRecord,
  FeedRecord,
  StixObject,
} from '../store/index.js';
import type { BriefService } from './brief/index.js';
import type { FeedPollResult, ItemEntity, NewFeed, NewsPage, NewsQuery } from './feeds/index.js';

export type { FeedPollResult, FeedRecord, ItemEntity, NewFeed, NewsPage, NewsQuery };

/** A signed-in person as the rules engine sees them, plus the version that R36 watches. */
export interface Person extends Principal {
  /** The user's name (== principal id). */
  name: string;
  /** The store's user version when this view was made; any change makes it stale (R36). */
  version: number;
  /** The language the person chose for the web workspace, or null (then their party's); not an access attribute. */
  lang?: Lang | null;
}

/** The person as the rules engine decides for them: their access attributes, without name, version or language. */
export function principalOfPerson(person: Person): Principal {
  const { version: _v, name: _n, lang: _l, ...principal } = person;
  return principal;
}

/** TAXII 2.1 object filters as the node understands them. */
export interface ObjectFilter {
  ids?: string[];
  types?: string[];
  /** `match[version]`: 'last' | 'first' | 'all' | timestamps; default ['last']. */
  versions?: string[];
  specVersions?: string[];
  addedAfter?: string;
  limit?: number;
  /** Opaque cursor from a previous page's `next`. */
  next?: string;
  /**
   * The marking-definitions are objects of the answer, paged and filtered like any other (TAXII 2.1);
   * otherwise those the objects use are served beside them (`markings`).
   */
  markingsAsObjects?: boolean;
}

/** A page of what a reader may see, with the marking-definitions those objects use (labels + alternatives). */
export interface ObjectsPage {
  objects: StixObject[];
  /** The marking-definitions referenced by the served objects, and the receiver-equivalent alternatives (§6). */
  markings: StixObject[];
  more: boolean;
  next?: string;
  /** date_added of the first and last object served (TAXII X-TAXII-Date-Added-First/Last). */
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type: string;
}

export interface ManifestPage {
  objects: ManifestRecord[];
  more: boolean;
  next?: string;
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

export interface VersionsPage {
  versions: string[];
  more: boolean;
  next?: string;
  dateAddedFirst?: string;
  dateAddedLast?: string;
}

/** What became of one object of a post the node stored. */
export interface PostedObject {
  id: string;
  version?: string;
  /** `duplicate`: this version was already held, nothing new was stored for it. */
  outcome: 'stored' | 'duplicate';
}

/** One object of a refused post and why it was refused. */
export interface PostFailure {
  id: string;
  version?: string;
  message: string;
}

/**
 * A post the node stored, object by object (the edges build their own answers from it, e.g. TAXII's
 * status resource). A refused post stores nothing and throws a ReltoError whose details are a PostRefusal.
 */
export interface PostResult {
  /** The post's id: its result is read again under it (`getPost`). */
  id: string;
  /** When the node received the post. */
  at: string;
  /** Objects in the post: every one was accepted (a post is stored whole or refused whole). */
  total: number;
  /**
   * The marking-definitions and objects stored or already held, in the order stored; the fixed relto objects
   * a post may carry are held by every node and not listed.
   */
  objects: PostedObject[];
}

/** The details of the ReltoError a refused post throws: every object at fault. */
export interface PostRefusal {
  at: string;
  total: number;
  failures: PostFailure[];
}

export interface SearchRequest {
  text: string;
  types?: string[];
  originators?: string[];
  /** A level id of the reader's own scheme or a tier id (TS/S/C): at most this high. */
  level?: string;
  topics?: string[];
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  /** Counted after filtering: never includes what the reader may not see (R7, R10). */
  total: number;
  /** Set when counting stopped at the cap (1,000 readable hits): `total` is then a lower bound. */
  totalCapped?: boolean;
  hits: { id: string; type: string; name?: string; originator: string | null; modified?: string }[];
}

export interface AuditHeadView {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signature: string;
  /** The log's owner (the node's party): signed with the head. */
  origin: string;
  /** The Ed25519 public key the head verifies with, as a JWK. */
  publicKey: { kty: 'OKP'; crv: 'Ed25519'; x: string };
}

/** What the people register changes on a person (R36: at once). */
export interface PersonChange {
  clearance?: string;
  roles?: string[];
  disabled?: boolean;
}

/** A person as the people register shows them: never a password or its hash. */
export interface PersonRecord {
  name: string;
  party: string;
  clearance: string;
  roles: string[];
  designations: string[];
  disabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A partner as the administrator sees it: its address and the fingerprints of its public keys. */
export interface PartnerView {
  party: string;
  url: string;
  status: string;
  /** When it was added, and when its keys or address last changed. */
  addedAt: string;
  updatedAt: string;
  keys: {
    /** RFC 7638 thumbprints (base64url) of its Ed25519 signing and X25519 encryption keys; `kid` when it set one. */
    signing: { fingerprint: string; kid?: string };
    encryption: { fingerprint: string; kid?: string };
    /** SHA-256 (hex) of the CA certificate its TLS certificates come from. */
    tlsCa: { fingerprint: string };
  };
}

/** The exchange between nodes as the edges use it (contracts §5 client release/approve/consent, §9). */
export interface ExchangeService {
  fileRelease(
    actor: Person,
    body: { item?: string; items?: string[]; to: string; under?: string; note?: string },
  ): Promise<unknown>;
  approveRelease(actor: Person, requestId: string): Promise<unknown>;
  /** A releasing officer refuses a release request, with an optional note. */
  refuseRelease(actor: Person, requestId: string, note?: string): Promise<unknown>;
  listReleaseRequests(actor: Person): Promise<unknown[]>;
  requestConsent(
    actor: Person,
    body: { item: string; to?: string; purpose?: string; actions?: string[] },
  ): Promise<unknown>;
  answerConsent(actor: Person, requestId: string, refuse: boolean): Promise<unknown>;
  listConsentRequests(actor: Person): Promise<unknown>;
  /** R29: alarms raised when a partner's audit log was rewritten (security officers, admins). */
  alarms(actor: Person, filter?: { status?: 'raised' | 'cleared' }): Promise<unknown[]>;
  /** Clears an alarm with a note (security officers only; audited). */
  clearAlarm(actor: Person, id: string, note: string): Promise<unknown>;
  /** R28: compromise reports partners sent about this node's items. */
  compromisesReceived(actor: Person): Promise<unknown[]>;
  /** The partner book: partners, addresses and key fingerprints (administrators; never a private key). */
  listPartners(actor: Person): Promise<PartnerView[]>;
}

/** The node as its edges use it. */
export interface NodeService {
  /** Present when the node runs its exchange with partners (`relto serve` with an identity). */
  readonly exchange?: ExchangeService;
  /** The daily brief, where the node sends one (the in-memory test node has none). */
  readonly brief?: BriefService;
  readonly party: string;
  readonly registry: CompiledRegistry;
  /** The node's STIX identity id (identity--uuidv5(party)). */
  readonly identityId: string;
  /** The API root's collection id (one collection per node holds its items). */
  readonly collectionId: string;

  // people (R36: a changed person is re-read at once; cached credentials dropped)
  /**
   * A password sign-in from `address` (every path calls this one check): null when refused (audited);
   * TOO_MANY_ATTEMPTS, with `details.retryAfter` in seconds, while the name or the address is held back.
   */
  authenticateBasic(name: string, password: string, address?: string): Promise<Person | null>;
  /** The token's person, null for an unknown token; SESSION_EXPIRED for an expired one. */
  authenticateToken(token: string): Promise<Person | null>;
  issueToken(person: Person, kind: 'session' | 'token'): Promise<{ token: string; expiresAt: string }>;
  revokeToken(token: string): Promise<void>;
  /**
   * The CSRF value of a web session's token: an HMAC under a key the node keeps in its data, so no one
   * without that key can compute it from the cookie, and it stays the same across restarts.
   */
  sessionCsrf(token: string): Promise<string>;
  /** Sets the person's language (ko, ja, en; UNSUPPORTED_LANGUAGE otherwise) and answers their current view. */
  setLang(actor: Person, lang: string): Promise<Person>;
  /** The person's current view, or null when disabled/removed: streams call this to re-check (R36). */
  refreshPerson(person: Person): Promise<Person | null>;
  /** Subscribe to changes of people (clearance, roles, need-to-know, disable); returns unsubscribe. */
  onPersonChanged(listener: (name: string) => void): () => void;

  /** The people register (security officers and administrators). */
  listPeople(actor: Person): Promise<PersonRecord[]>;
  /** Changes another person's clearance, roles or status; takes effect at once (R36) and is audited (R29). */
  updatePerson(actor: Person, name: string, change: PersonChange): Promise<PersonRecord>;

  // news feeds (administrators): open sources taken in as unclassified reports (R33)
  addFeed(actor: Person, input: NewFeed): Promise<FeedRecord>;
  listFeeds(actor: Person): Promise<FeedRecord[]>;
  /** Polls one feed now; answers once its items are stored. */
  pollFeed(actor: Person, feedId: string): Promise<FeedPollResult>;
  /** The people, organisations, places and countries an item mentions, named for the reader; null: no item. */
  itemEntities(actor: Person, itemId: string, lang: 'ko' | 'ja' | 'en'): Promise<ItemEntity[] | null>;
  /** The news taken in, newest first, as the person may read it; places named for them. */
  listNews(actor: Person, query: NewsQuery): Promise<NewsPage>;

  // items: posting is one transaction; refused as a whole or stored as a whole (TAXII status)
  postObjects(actor: Person, objects: unknown[]): Promise<PostResult>;
  /** An earlier post's result, for its poster (or an administrator); null otherwise. */
  getPost(actor: Person, postId: string): Promise<PostResult | null>;
  listObjects(actor: Person, filter: ObjectFilter): Promise<ObjectsPage>;
  /** One object's versions as the reader may see them (redacted); empty when none is visible (404). */
  getObject(actor: Person, id: string, filter: ObjectFilter): Promise<ObjectsPage>;
  manifest(actor: Person, filter: ObjectFilter): Promise<ManifestPage>;
  versions(actor: Person, id: string, filter: ObjectFilter): Promise<VersionsPage>;
  /** TAXII DELETE: a `destroy` decision, then crypto-erasure (R27). Returns false when not visible. */
  destroyObject(actor: Person, id: string, filter: ObjectFilter): Promise<boolean>;
  search(actor: Person, request: SearchRequest): Promise<SearchResult>;

  // custody (R26) and compromise (R28)
  recordCustody(
    actor: Person,
    itemId: string,
    kind: Exclude<CustodyKind, 'receipt' | 'destruction' | 'reclassification'>,
    details?: Record<string, unknown>,
  ): Promise<CustodyRecord>;
  listCustody(actor: Person, itemId: string): Promise<CustodyRecord[]>;
  reportCompromise(
    actor: Person,
    report: { items: string[]; description?: string; deadlines?: Record<string, string> },
  ): Promise<CompromiseReport>;
  advanceCompromise(
    actor: Person,
    id: string,
    step: Omit<CompromiseAdvance, 'by'>,
  ): Promise<CompromiseReport>;
  listCompromises(actor: Person): Promise<CompromiseReport[]>;
  /** R8: the originator's reclassification: every held version and copy re-marked. */
  reclassify(actor: Person, itemId: string, newLabel: unknown): Promise<void>;

  // decisions asked directly (`relto client decide`): always for the signed-in person (§5)
  decideFor(actor: Person, request: Omit<DecisionRequest, 'principal'>): Promise<Answer>;

  // audit (R29, R35: security officers and administrators read the log; anyone else their own entries and the head)
  auditHead(actor: Person): Promise<AuditHeadView>;
  auditEntries(actor: Person, from: number, to: number): Promise<{ index: number; entry: unknown }[]>;
  inclusionProof(
    actor: Person,
    index: number,
    treeSize: number,
  ): Promise<{ leafHash: string; proof: string[] }>;
  consistencyProof(actor: Person, from: number, to: number): Promise<{ proof: string[] }>;

  /** Flushes pending audit appends and closes the store. */
  close(): Promise<void>;
}
