import { type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { ReltoError } from '../errors/index.js';
import { newDataKey, open, seal, unwrap, unwrapMany, wrapMany } from '../keys/index.js';
import type {
  Database,
  ExchangeRowTable,
  ObjectVersionTable,
  SearchRowTable,
  UserTable,
} from './database.js';
import type { DialectName } from './migrations.js';
import {
  type AuditAppend,
  type AuditRow,
  type CompromiseAdvance,
  type CompromiseHistoryEntry,
  type CompromiseInput,
  type CompromiseReport,
  type CompromiseStatus,
  type CustodyInput,
  type CustodyKind,
  type CustodyRecord,
  compromiseStatuses,
  type ExchangeFilter,
  type ExchangeRow,
  type ExchangeRowInput,
  type FetchOptions,
  type FloorInfo,
  type GranularMarking,
  type ItemInfo,
  type MarkingDefinitionInput,
  type NewUser,
  type ObjectInput,
  type ObjectPage,
  type ObjectQuery,
  type PutResult,
  type SearchHit,
  type SearchQuery,
  type SearchScanQuery,
  type SearchScanRow,
  type Session,
  type StixObject,
  type Store,
  type StoredMarkingDefinition,
  type StoredObject,
  type TreeHead,
  type User,
  type UserPatch,
} from './store.js';
import { decodeCursor, encodeCursor, microsToStamp, normaliseStamp, stampToMicros } from './time.js';

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
  /** Candidate hits for `words` (already split), filtered by `filters` (conditions on alias `s`). */
  search(
    db: Kysely<Database>,
    words: string[],
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
    words: string[],
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
 * over 100,000 items) while rarer words, whose matches fit in the window, are ranked in full.
 */
const DEFAULT_SEARCH_WINDOW = 5_000;

/** Versions (with their search rows) per block of a bulk write, see putObjectsNow. */
const PIPELINE_BLOCK = 512;

// SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535: stay under both.
const MAX_PARAMS = 30_000;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function chunkFor(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMS / columns));
}

/** Multi-row INSERTs through Kysely, chunked under the bound-parameter limit (the portable path). */
export async function insertManyWithKysely(
  db: Kysely<Database>,
  table: keyof Database,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  for (const part of chunks(rows, chunkFor(Object.keys(rows[0]!).length))) {
    await db
      .insertInto(table)
      .values(part as never)
      .execute();
  }
}

function isoInstant(text: string, path: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new ReltoError('MALFORMED_REQUEST', `not an instant: ${text}`, path);
  return new Date(ms).toISOString();
}

const EMPTY = new Uint8Array(0);

// What trim() leaves something of (\s and trim() know the same white space), without building the trimmed copy.
const NON_BLANK = /\S/;
function hasText(text: string): boolean {
  return NON_BLANK.test(text);
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * SQLite: a version's sealed content is its JSON, then a newline, then the JSON list of its search-row texts
 * (in row order), so one AEAD operation per version covers both and destruction can still issue FTS5's
 * 'delete' with the exact text (R27). JSON.stringify never writes a raw newline, so the first one splits.
 * Versions stored before this carry only the JSON (and their texts sealed in search_rows.sealed_text).
 */
function sealedPlaintext(objectJson: string, texts: string[] | undefined): string | string[] {
  return texts && texts.length > 0 ? [objectJson, '\n', JSON.stringify(texts)] : objectJson;
}

function splitSealed(plain: Buffer): { json: string; texts: string[] } {
  const nl = plain.indexOf(0x0a);
  if (nl < 0) return { json: plain.toString('utf8'), texts: [] };
  return {
    json: plain.toString('utf8', 0, nl),
    texts: JSON.parse(plain.toString('utf8', nl + 1)) as string[],
  };
}

function contentJson(plain: Buffer): string {
  const nl = plain.indexOf(0x0a);
  return nl < 0 ? plain.toString('utf8') : plain.toString('utf8', 0, nl);
}

function parse<T>(text: string | null): T {
  return JSON.parse(text ?? 'null') as T;
}

function toBytes(value: Uint8Array): Uint8Array {
  // pg and better-sqlite3 both return Buffers; callers get plain Uint8Array views of them.
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function inList(col: string, values: readonly (string | number)[]): RawBuilder<unknown> {
  return sql`${sql.ref(col)} IN (${sql.join(values.map((v) => sql`${v}`))})`;
}

/** Words of a free-text query, the way both indexes split text (letters and digits). */
export function queryWords(text: string): string[] {
  return [
    ...new Set(
      (
        text
          .normalize('NFKC')
          .toLowerCase()
          .match(/[\p{L}\p{N}]+/gu) ?? []
      ).slice(0, 32),
    ),
  ];
}

const VERSION_COLUMNS = [
  'v.added',
  'v.id',
  'v.version',
  'v.type',
  'v.spec_version',
  'v.modified',
  'v.created',
  'v.created_by_ref',
  'v.latest',
  'v.floor',
  'v.marking_refs',
  'v.granular_markings',
  'v.originator',
  'v.level_rank',
  'v.tier',
  'v.topics',
] as const;

type VersionRow = Omit<Selectable<ObjectVersionTable>, 'content'> & {
  content?: Uint8Array;
};

type Hook = () => Promise<void>;

/** The one Store implementation; the dialects differ only in `DialectOps` and how they connect. */
export class KyselyStore implements Store {
  readonly dialect: DialectName;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ctx: StoreContext,
    private readonly afterCommit: Hook[] | null = null,
  ) {
    this.dialect = ctx.ops.name;
  }

  private nowIso(): string {
    return new Date(this.ctx.now()).toISOString();
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.atomic((s) => fn(s));
  }

  /** Runs `fn` inside a transaction, joining the current one if there is one. */
  private async atomic<T>(fn: (s: KyselyStore) => Promise<T>): Promise<T> {
    if (this.afterCommit) return fn(this);
    const hooks: Hook[] = [];
    const result = await this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.ctx, hooks)));
    for (const hook of hooks) await hook();
    return result;
  }

  async close(): Promise<void> {
    if (this.afterCommit) throw new ReltoError('INTERNAL', 'close the store, not a transaction');
    // The dialect's own work first (a background checkpoint may still hold a connection to the file).
    await this.ctx.onClose();
    await this.db.destroy();
  }

  // ---- meta

  async getMeta(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  // ---- counters

  private async bump(name: string, n: number): Promise<number> {
    const row = await this.db
      .updateTable('counters')
      .set({ value: sql<number>`value + ${n}` })
      .where('name', '=', name)
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  /**
   * Serialises the transactions that change objects (posts, destructions, reclassifications) on the clock
   * row, so each sees what the one before it committed: two posts of one new id, or a post racing a
   * destruction, cannot both act on the same stale read (PostgreSQL; SQLite has one writer anyway).
   */
  private async lockObjectWriters(): Promise<void> {
    await this.db
      .updateTable('counters')
      .set({ value: sql<number>`value` })
      .where('name', '=', 'clock')
      .execute();
  }

  /**
   * Reserves `n` date_added instants (µs), strictly increasing per store; returns the first. The counter row
   * stays locked until commit, so rows become visible in date_added order and paging never skips one.
   */
  private async allocateClock(n: number): Promise<number> {
    const nowUs = Math.floor(this.ctx.now() * 1000);
    const row = await this.db
      .updateTable('counters')
      .set({ value: sql<number>`${sql.raw(this.ctx.ops.greatest)}(value + 1, ${nowUs}) + ${n - 1}` })
      .where('name', '=', 'clock')
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value) - n + 1;
  }

  // ---- users (R36)

  private static user(row: Selectable<UserTable>): User {
    return {
      name: row.name,
      party: row.party,
      clearance: row.clearance,
      roles: parse(row.roles),
      designations: parse(row.designations),
      restrictive: parse(row.restrictive),
      contractor: row.contractor === 1,
      official: row.official === 1,
      disabled: row.disabled === 1,
      passwordHash: row.password_hash,
      version: Number(row.version),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async createUser(user: NewUser): Promise<User> {
    return this.atomic(async (s) => {
      if (await s.getUser(user.name)) throw new ReltoError('CONFLICT', `a user named ${user.name} exists`);
      const at = s.nowIso();
      const row = await s.db
        .insertInto('users')
        .values({
          name: user.name,
          party: user.party,
          clearance: user.clearance,
          roles: json(user.roles),
          designations: json(user.designations),
          restrictive: json(user.restrictive),
          contractor: user.contractor ? 1 : 0,
          official: user.official ? 1 : 0,
          disabled: user.disabled ? 1 : 0,
          password_hash: user.passwordHash,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return KyselyStore.user(row);
    });
  }

  async getUser(name: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? KyselyStore.user(row) : null;
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('name').execute();
    return rows.map((r) => KyselyStore.user(r));
  }

  async updateUser(name: string, patch: UserPatch): Promise<User> {
    const set: Partial<Record<keyof UserTable, unknown>> = {};
    if (patch.party !== undefined) set.party = patch.party;
    if (patch.clearance !== undefined) set.clearance = patch.clearance;
    if (patch.roles !== undefined) set.roles = json(patch.roles);
    if (patch.designations !== undefined) set.designations = json(patch.designations);
    if (patch.restrictive !== undefined) set.restrictive = json(patch.restrictive);
    if (patch.contractor !== undefined) set.contractor = patch.contractor ? 1 : 0;
    if (patch.official !== undefined) set.official = patch.official ? 1 : 0;
    if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    const row = await this.db
      .updateTable('users')
      .set({ ...(set as Partial<UserTable>), updated_at: this.nowIso(), version: sql<number>`version + 1` })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ReltoError('NOT_FOUND', `no user named ${name}`);
    return KyselyStore.user(row);
  }

  // ---- sessions

  async createSession(session: Omit<Session, 'createdAt'> & { createdAt?: string }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_name: session.userName,
        kind: session.kind,
        // One ISO form, so expiry compares correctly as text.
        created_at: session.createdAt ? isoInstant(session.createdAt, '/createdAt') : this.nowIso(),
        expires_at: isoInstant(session.expiresAt, '/expiresAt'),
      })
      .execute();
  }

  async getSession(tokenHash: string, options: { includeExpired?: boolean } = {}): Promise<Session | null> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    // An expired session is as good as absent, whatever the caller forgets to check.
    if (!row || (!options.includeExpired && Date.parse(row.expires_at) <= this.ctx.now())) return null;
    return {
      tokenHash: row.token_hash,
      userName: row.user_name,
      kind: row.kind,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOfUser(userName: string): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_name', '=', userName).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    const r = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', isoInstant(now, '/now'))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- marking-definitions

  async putMarkingDefinitions(defs: MarkingDefinitionInput[]): Promise<void> {
    if (defs.length === 0) return;
    await this.atomic(async (s) => {
      for (const part of chunks(defs, chunkFor(4))) {
        await s.db
          .insertInto('marking_definitions')
          .values(
            part.map((d) => ({
              id: d.definition.id,
              kind: d.kind,
              alternative_of: d.alternativeOf ?? null,
              json: json(d.definition),
            })),
          )
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              kind: eb.ref('excluded.kind'),
              alternative_of: eb.ref('excluded.alternative_of'),
              json: eb.ref('excluded.json'),
            })),
          )
          .execute();
      }
    });
  }

  private static marking(row: { id: string; kind: string; alternative_of: string | null; json: string }) {
    return {
      id: row.id,
      kind: row.kind,
      alternativeOf: row.alternative_of,
      definition: parse<StixObject>(row.json),
    } satisfies StoredMarkingDefinition;
  }

  async getMarkingDefinitions(ids: string[]): Promise<StoredMarkingDefinition[]> {
    const out: StoredMarkingDefinition[] = [];
    for (const part of chunks([...new Set(ids)], chunkFor(1))) {
      const rows = await this.db
        .selectFrom('marking_definitions')
        .selectAll()
        .where('id', 'in', part)
        .execute();
      out.push(...rows.map((r) => KyselyStore.marking(r)));
    }
    return out;
  }

  async listMarkingDefinitions(filter: { kind?: string; alternativeOf?: string } = {}) {
    let q = this.db.selectFrom('marking_definitions').selectAll();
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
    if (filter.alternativeOf !== undefined) q = q.where('alternative_of', '=', filter.alternativeOf);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => KyselyStore.marking(r));
  }

  // ---- objects

  async putObjects(inputs: ObjectInput[]): Promise<PutResult[]> {
    if (inputs.length === 0) return [];
    return this.atomic((s) => s.putObjectsNow(inputs));
  }

  private async putObjectsNow(inputs: ObjectInput[]): Promise<PutResult[]> {
    await this.lockObjectWriters();
    const ids = [...new Set(inputs.map((i) => i.object.id))];
    const items = new Map<string, { wrapped: Uint8Array | null; destroyed: boolean }>();
    const held = new Map<string, Map<string, { added: number; latest: boolean }>>();
    for (const part of chunks(ids, chunkFor(1))) {
      const itemRows = await this.db
        .selectFrom('items')
        .select(['id', 'wrapped_key', 'destroyed_at'])
        .where('id', 'in', part)
        .execute();
      for (const r of itemRows)
        items.set(r.id, { wrapped: r.wrapped_key, destroyed: r.destroyed_at !== null });
      // Every version's id has an item row (both are written here): new ids need no version lookup.
      const heldIds = itemRows.map((r) => r.id);
      if (heldIds.length === 0) continue;
      const versionRows = await this.db
        .selectFrom('object_versions')
        .select(['id', 'version', 'added', 'latest'])
        .where('id', 'in', heldIds)
        .execute();
      for (const r of versionRows) {
        let m = held.get(r.id);
        if (!m) {
          m = new Map();
          held.set(r.id, m);
        }
        m.set(r.version, { added: Number(r.added), latest: r.latest === 1 });
      }
    }

    type Plan = { at: number; input: ObjectInput; version: string | null };
    const results: PutResult[] = [];
    const plans: Plan[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, at) => {
      const o = input.object;
      if (typeof o.id !== 'string' || typeof o.type !== 'string' || !o.id.startsWith(`${o.type}--`)) {
        throw new ReltoError(
          'MALFORMED_REQUEST',
          'an object needs an id of the form <type>--<uuid>',
          `/${at}`,
        );
      }
      const refs = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as unknown[]) : [];
      if (input.floor && !refs.includes(input.floor)) {
        throw new ReltoError('MALFORMED_REQUEST', 'the floor label is not in object_marking_refs', `/${at}`);
      }
      const stamp =
        typeof o.modified === 'string' ? o.modified : typeof o.created === 'string' ? o.created : null;
      const version = stamp === null ? null : normaliseStamp(stamp, `the version of ${o.id}`);
      const result: PutResult = { id: o.id, version: version ?? '', status: 'added', dateAdded: null };
      results.push(result);
      if (items.get(o.id)?.destroyed) {
        result.status = 'destroyed';
        return;
      }
      const versions = held.get(o.id);
      // Objects without modified/created have one version: the first one kept.
      const existing = version === null ? (versions ? [...versions.entries()][0] : undefined) : undefined;
      const same = version !== null ? versions?.get(version) : existing?.[1];
      const key = `${o.id}\n${version ?? ''}`;
      if (same || seen.has(key)) {
        result.status = 'duplicate';
        if (existing) result.version = existing[0];
        if (same) result.dateAdded = microsToStamp(same.added);
        return;
      }
      seen.add(key);
      plans.push({ at, input, version });
    });
    if (plans.length === 0) return results;

    const first = await this.allocateClock(plans.length);
    const createdAt = this.nowIso();
    const keys = new Map<string, Uint8Array>();
    const newItems: {
      id: string;
      type: string;
      wrapped_key: Uint8Array;
      created_at: string;
      destroyed_at: null;
    }[] = [];
    const rows: ObjectVersionTable[] = [];
    const newestById = new Map<string, { version: string; row: number }>();
    const versionOf: string[] = [];
    const seals = this.ctx.ops.sealsSearchText;
    // Held items' keys unwrapped together, new items' keys wrapped together (one KW pass each, see keys/).
    const toUnwrap = new Map<string, { wrapped: Uint8Array; itemId: string }>();
    for (const { input } of plans) {
      const wrapped = items.get(input.object.id)?.wrapped;
      if (wrapped) toUnwrap.set(input.object.id, { wrapped, itemId: input.object.id });
    }
    const unwrapped = [...toUnwrap.values()];
    unwrapMany(this.ctx.nodeKey, unwrapped).forEach((k, n) => {
      keys.set(unwrapped[n]!.itemId, k);
    });
    const newKeys: { dataKey: Uint8Array; itemId: string }[] = [];
    const toSeal: { key: Uint8Array; object: StixObject; texts: string[] | undefined }[] = [];
    plans.forEach((plan, k) => {
      const o = plan.input.object;
      const added = first + k;
      const version = plan.version ?? normaliseStamp(microsToStamp(added));
      versionOf.push(version);
      const result = results[plan.at]!;
      result.version = version;
      result.dateAdded = microsToStamp(added);
      let key = keys.get(o.id);
      if (!key) {
        key = newDataKey();
        newKeys.push({ dataKey: key, itemId: o.id });
        newItems.push({
          id: o.id,
          type: o.type,
          wrapped_key: EMPTY, // wrapped below, with the batch
          created_at: createdAt,
          destroyed_at: null,
        });
        keys.set(o.id, key);
      }
      const newest = newestById.get(o.id);
      if (newest === undefined || version > newest.version) newestById.set(o.id, { version, row: k });
      const { object_marking_refs, granular_markings } = o;
      let texts: string[] | undefined;
      if (seals) {
        texts = [];
        for (const t of plan.input.index ?? []) if (hasText(t.text)) texts.push(t.text);
      }
      toSeal.push({ key, object: o, texts });
      rows.push({
        added,
        id: o.id,
        version,
        type: o.type,
        spec_version: typeof o.spec_version === 'string' ? o.spec_version : '2.1',
        modified: typeof o.modified === 'string' ? o.modified : null,
        created: typeof o.created === 'string' ? o.created : null,
        created_by_ref: typeof o.created_by_ref === 'string' ? o.created_by_ref : null,
        latest: 0,
        floor: plan.input.floor ?? null,
        marking_refs: json(Array.isArray(object_marking_refs) ? object_marking_refs : []),
        granular_markings: json(Array.isArray(granular_markings) ? granular_markings : []),
        originator: plan.input.originator ?? null,
        level_rank: plan.input.levelRank ?? null,
        tier: plan.input.tier ?? null,
        topics: json(plan.input.topics ?? []),
        content: EMPTY, // sealed below, while the database takes the search rows
      });
    });

    // Which new rows become the latest version, and which held rows stop being it.
    const demote: string[] = [];
    for (const [id, newest] of newestById) {
      const current = [...(held.get(id)?.entries() ?? [])].find(([, v]) => v.latest)?.[0];
      if (current === undefined || newest.version > current) {
        if (current !== undefined) demote.push(id);
        rows[newest.row]!.latest = 1;
      }
    }
    for (const part of chunks(demote, chunkFor(1))) {
      await this.db.updateTable('object_versions').set({ latest: 0 }).where('id', 'in', part).execute();
      await this.db.updateTable('search_rows').set({ latest: 0 }).where('object_id', 'in', part).execute();
    }
    this.afterCommit!.push(() => this.ctx.ops.afterBulkInsert(this.ctx.root, rows.length));

    const search: SearchInsert[] = [];
    const searchFrom: number[] = []; // the first search row of each version
    plans.forEach((plan, k) => {
      searchFrom.push(search.length);
      const row = rows[k]!;
      const stamp = normaliseStamp(row.modified ?? row.created ?? microsToStamp(row.added));
      for (const t of plan.input.index ?? []) {
        if (!hasText(t.text)) continue;
        search.push({
          // Set once the row ids are allocated; first here so every row has the same shape (and column order).
          row_id: 0,
          object_id: row.id,
          version: versionOf[k]!,
          marking_id: t.markingId,
          type: row.type,
          originator: row.originator,
          level_rank: row.level_rank,
          tier: row.tier,
          topics: row.topics,
          stamp,
          latest: row.latest,
          text: t.text,
        });
      }
    });
    searchFrom.push(search.length);
    // Statements are not awaited one by one: on PostgreSQL the server inserts and indexes a block's search
    // rows and versions while this process builds and seals the next block (one connection runs them in
    // order; between blocks the event loop sends what is queued and reads the replies).
    const pending: Promise<void>[] = [];
    const track = (p: Promise<void>) => {
      p.catch(() => {}); // failures surface below, through Promise.all
      pending.push(p);
    };
    try {
      if (search.length > 0) {
        const firstRow = (await this.bump('search', search.length)) - search.length + 1;
        for (let k = 0; k < search.length; k++) search[k]!.row_id = firstRow + k;
      }
      wrapMany(this.ctx.nodeKey, newKeys).forEach((w, n) => {
        newItems[n]!.wrapped_key = w;
      });
      track(this.ctx.ops.insertMany(this.db, 'items', newItems));
      for (let from = 0; from < rows.length; from += PIPELINE_BLOCK) {
        const to = Math.min(rows.length, from + PIPELINE_BLOCK);
        const blockSearch = search.slice(searchFrom[from]!, searchFrom[to]!);
        if (blockSearch.length > 0) track(this.ctx.ops.insertSearch(this.db, blockSearch));
        for (let k = from; k < to; k++) {
          const { key, object, texts } = toSeal[k]!;
          const { object_marking_refs: _refs, granular_markings: _granular, ...rest } = object;
          // Markings stay out of the ciphertext: they live in clear columns and reclassification (R8) only
          // rewrites those; the object is put back together on the way out.
          rows[k]!.content = seal(key, sealedPlaintext(json(rest), texts), `${object.id}\n${versionOf[k]!}`);
        }
        track(
          this.ctx.ops.insertMany(
            this.db,
            'object_versions',
            rows.slice(from, to) as unknown as Record<string, unknown>[],
          ),
        );
        if (this.ctx.ops.pipelines && to < rows.length) await new Promise((r) => setImmediate(r));
      }
    } finally {
      // Never leave a statement running behind an error: the transaction rolls back after them.
      await Promise.allSettled(pending);
    }
    await Promise.all(pending);
    return results;
  }

  private baseVersions(withContent: boolean) {
    // No join with items: the planner then never has a reason to scan it, and rows stay in date_added order.
    const q = this.db.selectFrom('object_versions as v').select(VERSION_COLUMNS);
    return withContent ? q.select(['v.content']) : q;
  }

  /** Unwrapped data keys of the items of `rows`, by id (one indexed lookup per page, not per row). */
  private async keysFor(rows: VersionRow[]): Promise<Map<string, Uint8Array>> {
    const keys = new Map<string, Uint8Array>();
    const ids = [...new Set(rows.map((r) => r.id))];
    for (const part of chunks(ids, chunkFor(1))) {
      const items = await this.db
        .selectFrom('items')
        .select(['id', 'wrapped_key'])
        .where('id', 'in', part)
        .execute();
      const wrapped = items.flatMap((i) => (i.wrapped_key ? [{ wrapped: i.wrapped_key, itemId: i.id }] : []));
      unwrapMany(this.ctx.nodeKey, wrapped).forEach((k, n) => {
        keys.set(wrapped[n]!.itemId, k);
      });
    }
    return keys;
  }

  private async toStored(rows: VersionRow[], withContent: boolean): Promise<StoredObject[]> {
    const keys = withContent ? await this.keysFor(rows) : new Map<string, Uint8Array>();
    return rows.map((r) => {
      const added = Number(r.added);
      const markingRefs = parse<string[]>(r.marking_refs);
      const granularMarkings = parse<GranularMarking[]>(r.granular_markings);
      const out: StoredObject = {
        id: r.id,
        type: r.type,
        specVersion: r.spec_version,
        version: r.version,
        modified: r.modified,
        created: r.created,
        createdByRef: r.created_by_ref,
        dateAdded: microsToStamp(added),
        cursor: encodeCursor(added),
        latest: r.latest === 1,
        floor: r.floor,
        markingRefs,
        granularMarkings,
        originator: r.originator,
        levelRank: r.level_rank === null ? null : Number(r.level_rank),
        tier: r.tier,
        topics: parse(r.topics),
      };
      const key = keys.get(r.id);
      if (withContent && r.content && key) {
        const object = JSON.parse(contentJson(open(key, r.content, `${r.id}\n${r.version}`))) as StixObject;
        if (markingRefs.length > 0) object.object_marking_refs = markingRefs;
        if (granularMarkings.length > 0) object.granular_markings = granularMarkings;
        out.object = object;
      }
      return out;
    });
  }

  async fetchObjects(query: ObjectQuery, options: FetchOptions = {}): Promise<ObjectPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
    const withContent = query.withContent !== false;
    let lower = options.after ? decodeCursor(options.after) : 0;
    if (query.addedAfter) lower = Math.max(lower, stampToMicros(query.addedAfter, 'added_after'));
    // The query builder's type changes with the selected columns; one alias keeps the filters readable.
    let q = this.baseVersions(withContent).where('v.added', '>', lower) as SelectQueryBuilder<
      Database & { v: ObjectVersionTable },
      'v',
      VersionRow
    >;
    if (query.ids) q = query.ids.length ? q.where('v.id', 'in', query.ids) : q.where(sql<boolean>`1 = 0`);
    if (query.types)
      q = query.types.length ? q.where('v.type', 'in', query.types) : q.where(sql<boolean>`1 = 0`);
    if (query.specVersions?.length) q = q.where('v.spec_version', 'in', query.specVersions);
    const versions = query.versions?.length ? query.versions : ['last'];
    if (!versions.includes('all')) {
      const specific = versions.filter((v) => v !== 'last' && v !== 'first').map((v) => normaliseStamp(v));
      q = q.where((eb) => {
        const any = [];
        if (versions.includes('last')) any.push(eb('v.latest', '=', 1));
        if (versions.includes('first')) {
          any.push(
            eb(
              'v.version',
              '=',
              eb
                .selectFrom('object_versions as w')
                .select((w) => w.fn.min('w.version').as('first'))
                .whereRef('w.id', '=', 'v.id'),
            ),
          );
        }
        if (specific.length) any.push(eb('v.version', 'in', specific));
        return eb.or(any);
      });
    }
    const rows = (await q
      .orderBy('v.added')
      .limit(limit + 1)
      .execute()) as VersionRow[];
    const more = rows.length > limit;
    const page = await this.toStored(more ? rows.slice(0, limit) : rows, withContent);
    return { rows: page, next: more ? page[page.length - 1]!.cursor : null };
  }

  async *scanObjects(
    query: ObjectQuery,
    options: FetchOptions & { batchSize?: number } = {},
  ): AsyncIterable<StoredObject> {
    let after = options.after ?? null;
    let left = options.limit ?? Number.POSITIVE_INFINITY;
    while (left > 0) {
      const page = await this.fetchObjects(query, { after, limit: Math.min(options.batchSize ?? 200, left) });
      for (const row of page.rows) yield row;
      left -= page.rows.length;
      if (!page.next) return;
      after = page.next;
    }
  }

  async withContent(rows: StoredObject[]): Promise<StoredObject[]> {
    const byAdded = new Map<number, VersionRow>();
    for (const part of chunks(
      rows.map((r) => decodeCursor(r.cursor)),
      chunkFor(1),
    )) {
      const found = (await this.baseVersions(true).where('v.added', 'in', part).execute()) as VersionRow[];
      for (const f of found) byAdded.set(Number(f.added), f);
    }
    const wanted = rows.map((r) => byAdded.get(decodeCursor(r.cursor))).filter((r) => r !== undefined);
    return this.toStored(wanted, true);
  }

  async getObject(id: string, version?: string): Promise<StoredObject | null> {
    let q = this.baseVersions(true).where('v.id', '=', id) as SelectQueryBuilder<
      Database & { v: ObjectVersionTable },
      'v',
      VersionRow
    >;
    q =
      version === undefined
        ? q.where('v.latest', '=', 1)
        : q.where('v.version', '=', normaliseStamp(version));
    const row = (await q.executeTakeFirst()) as VersionRow | undefined;
    return row ? (await this.toStored([row], true))[0]! : null;
  }

  async getItem(id: string): Promise<ItemInfo | null> {
    const row = await this.db
      .selectFrom('items')
      .select(['id', 'type', 'destroyed_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { id: row.id, type: row.type, destroyedAt: row.destroyed_at } : null;
  }

  async destroyObject(id: string): Promise<boolean> {
    return this.atomic(async (s) => {
      await s.lockObjectWriters();
      const item = await s.db
        .selectFrom('items')
        .select(['destroyed_at', 'wrapped_key'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!item || item.destroyed_at !== null) return false;
      // The index terms are removed using the sealed texts, opened one last time before the key goes.
      const key = item.wrapped_key ? unwrap(s.ctx.nodeKey, item.wrapped_key, id) : null;
      const seals = s.ctx.ops.sealsSearchText;
      const found = await s.db
        .selectFrom('search_rows')
        .select(seals ? ['row_id', 'version', 'sealed_text'] : ['row_id', 'version'])
        .where('object_id', '=', id)
        .orderBy('row_id')
        .execute();
      // Texts sealed inside the content (newer versions), in row order per version.
      const inContent = new Map<string, string[]>();
      if (seals && key && found.some((r) => !r.sealed_text)) {
        const versions = await s.db
          .selectFrom('object_versions')
          .select(['version', 'content'])
          .where('id', '=', id)
          .execute();
        for (const v of versions) {
          if (v.content)
            inContent.set(v.version, splitSealed(open(key, v.content, `${id}\n${v.version}`)).texts);
        }
      }
      const taken = new Map<string, number>();
      const indexRows = found.map((r) => {
        const row_id = Number(r.row_id);
        if (!seals || !key) return { row_id, text: null };
        if (r.sealed_text)
          return { row_id, text: open(key, r.sealed_text, `${id}\nsearch\n${row_id}`).toString('utf8') };
        const at = taken.get(r.version) ?? 0;
        taken.set(r.version, at + 1);
        return { row_id, text: inContent.get(r.version)?.[at] ?? null };
      });
      for (const part of chunks(indexRows, 500)) await s.ctx.ops.deleteSearchIndex(s.db, part);
      await s.db.deleteFrom('search_rows').where('object_id', '=', id).execute();
      await s.db.deleteFrom('object_versions').where('id', '=', id).execute();
      // R27: without its data key the item cannot be read again, even from a backup of the old rows.
      await s.db
        .updateTable('items')
        .set({ wrapped_key: null, destroyed_at: s.nowIso() })
        .where('id', '=', id)
        .execute();
      s.afterCommit!.push(() => s.ctx.ops.afterDestroy(s.ctx.root));
      return true;
    });
  }

  async replaceMarking(
    objectId: string,
    oldMarkingId: string,
    newMarkingId: string,
    floor?: Omit<FloorInfo, 'floor'>,
  ): Promise<number> {
    return this.atomic(async (s) => {
      await s.lockObjectWriters();
      const rows = await s.db
        .selectFrom('object_versions')
        .select(['added', 'floor', 'marking_refs', 'granular_markings'])
        .where('id', '=', objectId)
        .execute();
      let changed = 0;
      let floorChanged = false;
      for (const r of rows) {
        const refs = parse<string[]>(r.marking_refs);
        const granular = parse<GranularMarking[]>(r.granular_markings);
        const isFloor = r.floor === oldMarkingId;
        if (
          !isFloor &&
          !refs.includes(oldMarkingId) &&
          !granular.some((g) => g.marking_ref === oldMarkingId)
        ) {
          continue;
        }
        const newRefs = [...new Set(refs.map((m) => (m === oldMarkingId ? newMarkingId : m)))];
        const newGranular = granular.map((g) =>
          g.marking_ref === oldMarkingId ? { ...g, marking_ref: newMarkingId } : g,
        );
        await s.db
          .updateTable('object_versions')
          .set({
            floor: isFloor ? newMarkingId : r.floor,
            marking_refs: json(newRefs),
            granular_markings: json(newGranular),
            ...(isFloor && floor ? s.floorColumns(floor) : {}),
          })
          .where('added', '=', r.added)
          .execute();
        floorChanged ||= isFloor;
        changed++;
      }
      await s.db
        .updateTable('search_rows')
        .set({ marking_id: newMarkingId })
        .where('object_id', '=', objectId)
        .where('marking_id', '=', oldMarkingId)
        .execute();
      if (floorChanged && floor) {
        await s.db
          .updateTable('search_rows')
          .set(s.floorColumns(floor))
          .where('object_id', '=', objectId)
          .execute();
      }
      return changed;
    });
  }

  private floorColumns(floor: Omit<FloorInfo, 'floor'>) {
    return {
      ...(floor.originator !== undefined ? { originator: floor.originator } : {}),
      ...(floor.levelRank !== undefined ? { level_rank: floor.levelRank } : {}),
      ...(floor.tier !== undefined ? { tier: floor.tier } : {}),
      ...(floor.topics !== undefined ? { topics: json(floor.topics) } : {}),
    };
  }

  // ---- search

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const words = queryWords(query.text);
    if (words.length === 0) return [];
    const f = KyselyStore.searchFilters(query);
    if (!query.allVersions) f.push(sql`s.latest = 1`);
    if (query.tiers) f.push(query.tiers.length ? inList('s.tier', query.tiers) : sql`1 = 0`);
    if (query.levelRankMax !== undefined) f.push(sql`s.level_rank <= ${query.levelRankMax}`);
    const limit = Math.max(1, Math.min(query.limit ?? 100, 10_000));
    const window = Math.max(1, Math.min(query.window ?? DEFAULT_SEARCH_WINDOW, 1_000_000));
    return this.ctx.ops.search(this.db, words, f, limit, Math.max(0, query.offset ?? 0), window);
  }

  /** Conditions on search row `s` shared by both searches: type, originator, topics, dates. */
  private static searchFilters(query: Omit<SearchScanQuery, 'markings' | 'floors' | 'limit'>) {
    const f: RawBuilder<unknown>[] = [];
    if (query.types) f.push(query.types.length ? inList('s.type', query.types) : sql`1 = 0`);
    if (query.originators)
      f.push(query.originators.length ? inList('s.originator', query.originators) : sql`1 = 0`);
    if (query.topics) {
      // Topics are a JSON list of strings: match the quoted value, with LIKE's wildcards escaped.
      f.push(
        query.topics.length
          ? sql`(${sql.join(
              query.topics.map(
                (t) => sql`s.topics LIKE ${`%${json(t).replace(/[\\%_]/g, '\\$&')}%`} ESCAPE '\\'`,
              ),
              sql` OR `,
            )})`
          : sql`1 = 0`,
      );
    }
    if (query.from) f.push(sql`s.stamp >= ${normaliseStamp(query.from, 'from')}`);
    if (query.to) f.push(sql`s.stamp <= ${normaliseStamp(query.to, 'to')}`);
    return f;
  }

  async scanSearch(query: SearchScanQuery): Promise<{ rows: SearchScanRow[]; next: number | null }> {
    const words = queryWords(query.text);
    if (words.length === 0 || query.markings.length === 0 || query.floors.length === 0) {
      return { rows: [], next: null };
    }
    const f = KyselyStore.searchFilters(query);
    f.push(sql`s.latest = 1`, inList('s.marking_id', query.markings));
    if (query.level) {
      const { tiers, originator, rankMax } = query.level;
      const any = [sql`s.level_rank = 0`];
      if (tiers.length) any.push(inList('s.tier', tiers));
      if (originator !== undefined && rankMax !== undefined) {
        any.push(sql`(s.originator = ${originator} AND s.level_rank <= ${rankMax})`);
      }
      f.push(sql`(${sql.join(any, sql` OR `)})`);
    }
    const limit = Math.max(1, Math.min(query.limit, 100_000));
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const { rows, next } = await this.ctx.ops.scanSearch(this.db, words, f, query.floors, before, limit);
    const out: SearchScanRow[] = [];
    for (const { granular, floorOk, ...r } of rows) {
      if (!floorOk) continue;
      out.push({
        ...r,
        rowId: Number(r.rowId),
        score: Number(r.score),
        granularMarkings: parse<GranularMarking[]>(granular),
      });
    }
    return { rows: out, next: next === null ? null : Number(next) };
  }

  // ---- custody (R26)

  async addCustody(record: CustodyInput): Promise<CustodyRecord> {
    return this.atomic(async (s) => {
      let copyNumber: number | null = null;
      if (record.kind === 'copy') {
        // Atomic per item: the counter row is locked until commit, so two copies never share a number.
        const row = await s.db
          .insertInto('counters')
          .values({ name: `copy:${record.itemId}`, value: 1 })
          .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<number>`counters.value + 1` }))
          .returning('value')
          .executeTakeFirstOrThrow();
        copyNumber = Number(row.value);
      }
      const values = {
        item_id: record.itemId,
        kind: record.kind,
        copy_number: copyNumber,
        by_user: record.by,
        at: record.at ?? s.nowIso(),
        details: json(record.details ?? {}),
      };
      const row = await s.db.insertInto('custody').values(values).returning('seq').executeTakeFirstOrThrow();
      return KyselyStore.custody({ ...values, seq: row.seq });
    });
  }

  async addCustodyRecords(records: readonly CustodyInput[]): Promise<void> {
    if (records.length === 0) return;
    if (records.some((r) => r.kind === 'copy')) {
      throw new ReltoError('INVALID_ARGUMENT', 'copies are numbered one by one (addCustody)', '/kind');
    }
    const now = this.nowIso();
    await this.atomic(async (s) => {
      // 6 parameters a row: 500 rows stay far below both engines' parameter limits.
      for (let i = 0; i < records.length; i += 500) {
        await s.db
          .insertInto('custody')
          .values(
            records.slice(i, i + 500).map((r) => ({
              item_id: r.itemId,
              kind: r.kind,
              copy_number: null,
              by_user: r.by,
              at: r.at ?? now,
              details: json(r.details ?? {}),
            })),
          )
          .execute();
      }
    });
  }

  private static custody(r: {
    seq: number;
    item_id: string;
    kind: string;
    copy_number: number | null;
    by_user: string;
    at: string;
    details: string;
  }): CustodyRecord {
    return {
      seq: Number(r.seq),
      itemId: r.item_id,
      kind: r.kind as CustodyKind,
      copyNumber: r.copy_number === null ? null : Number(r.copy_number),
      by: r.by_user,
      at: r.at,
      details: parse(r.details),
    };
  }

  async listCustody(itemId: string): Promise<CustodyRecord[]> {
    const rows = await this.db
      .selectFrom('custody')
      .selectAll()
      .where('item_id', '=', itemId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => KyselyStore.custody(r));
  }

  // ---- compromise reports (R28)

  private static compromise(r: Selectable<Database['compromises']>): CompromiseReport {
    return {
      id: r.id,
      items: parse(r.items),
      reportedBy: r.reported_by,
      reportedAt: r.reported_at,
      originator: r.originator,
      status: r.status as CompromiseStatus,
      deadlines: parse(r.deadlines),
      description: r.description,
      findings: r.findings,
      measures: r.measures,
      history: parse(r.history),
      updatedAt: r.updated_at,
    };
  }

  async createCompromise(report: CompromiseInput): Promise<CompromiseReport> {
    return this.atomic(async (s) => {
      if (await s.getCompromise(report.id)) {
        throw new ReltoError('CONFLICT', `a compromise report ${report.id} exists`);
      }
      const at = report.reportedAt ?? s.nowIso();
      const history: CompromiseHistoryEntry[] = [{ at, by: report.reportedBy, status: 'reported' }];
      const row = await s.db
        .insertInto('compromises')
        .values({
          id: report.id,
          items: json(report.items),
          reported_by: report.reportedBy,
          reported_at: at,
          originator: report.originator,
          status: 'reported',
          deadlines: json(report.deadlines ?? {}),
          description: report.description ?? null,
          findings: null,
          measures: null,
          history: json(history),
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return KyselyStore.compromise(row);
    });
  }

  async getCompromise(id: string): Promise<CompromiseReport | null> {
    const row = await this.db.selectFrom('compromises').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? KyselyStore.compromise(row) : null;
  }

  async listCompromises(filter: { status?: CompromiseStatus; originator?: string } = {}) {
    let q = this.db.selectFrom('compromises').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.originator) q = q.where('originator', '=', filter.originator);
    const rows = await q.orderBy('reported_at').orderBy('id').execute();
    return rows.map((r) => KyselyStore.compromise(r));
  }

  async advanceCompromise(id: string, step: CompromiseAdvance): Promise<CompromiseReport> {
    return this.atomic(async (s) => {
      const current = await s.getCompromise(id);
      if (!current) throw new ReltoError('NOT_FOUND', `no compromise report ${id}`);
      const next = compromiseStatuses[compromiseStatuses.indexOf(current.status) + 1];
      // R28: reported → investigating → findings-sent → closed, one step at a time.
      if (step.to !== next) {
        throw new ReltoError(
          'CONFLICT',
          `a compromise report goes from ${current.status} only to ${next ?? 'nothing (it is closed)'}`,
          '/to',
        );
      }
      if (step.to === 'findings-sent' && !(step.findings ?? current.findings)) {
        throw new ReltoError('CONFLICT', 'findings must be recorded before they are sent', '/findings');
      }
      const at = step.at ?? s.nowIso();
      const entry: CompromiseHistoryEntry = { at, by: step.by, status: step.to };
      if (step.note !== undefined) entry.note = step.note;
      const row = await s.db
        .updateTable('compromises')
        .set({
          status: step.to,
          findings: step.findings ?? current.findings,
          measures: step.measures ?? current.measures,
          deadlines: json({ ...current.deadlines, ...step.deadlines }),
          history: json([...current.history, entry]),
          updated_at: at,
        })
        .where('id', '=', id)
        // Guards a concurrent step made between the read and this write.
        .where('status', '=', current.status)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new ReltoError('CONFLICT', `compromise report ${id} changed meanwhile`);
      return KyselyStore.compromise(row);
    });
  }

  // ---- audit log (R29)

  async appendAudit(entries: AuditAppend[]): Promise<number> {
    if (entries.length === 0) return this.auditSize();
    return this.atomic(async (s) => {
      // The audit counter row stays locked until commit: indexes are dense and never handed out twice.
      const first = (await s.bump('audit', entries.length)) - entries.length;
      const at = s.nowIso();
      if (s.ctx.ops.insertAudit) await s.ctx.ops.insertAudit(s.db, first, at, entries);
      else {
        await s.ctx.ops.insertMany(
          s.db,
          'audit_log',
          entries.map((e, k) => ({ idx: first + k, leaf_hash: e.leafHash, entry: e.entry, appended_at: at })),
        );
      }
      return first;
    });
  }

  async auditSize(): Promise<number> {
    const row = await this.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'audit')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  async readAudit(from: number, to: number): Promise<AuditRow[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .orderBy('idx')
      .execute();
    return rows.map((r) => ({
      index: Number(r.idx),
      leafHash: toBytes(r.leaf_hash),
      entry: r.entry,
      appendedAt: r.appended_at,
    }));
  }

  async readAuditLeaves(from: number, to: number): Promise<Uint8Array[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .select('leaf_hash')
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .orderBy('idx')
      .execute();
    return rows.map((r) => toBytes(r.leaf_hash));
  }

  async putTreeHead(head: TreeHead): Promise<void> {
    const values = {
      size: head.size,
      root_hash: head.rootHash,
      timestamp: head.timestamp,
      signature: head.signature,
    };
    await this.db
      .insertInto('audit_heads')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('size')
          .doUpdateSet({ root_hash: head.rootHash, timestamp: head.timestamp, signature: head.signature }),
      )
      .execute();
  }

  private static head(r: Selectable<Database['audit_heads']>): TreeHead {
    return {
      size: Number(r.size),
      rootHash: toBytes(r.root_hash),
      timestamp: r.timestamp,
      signature: toBytes(r.signature),
    };
  }

  async getTreeHead(size: number): Promise<TreeHead | null> {
    const row = await this.db
      .selectFrom('audit_heads')
      .selectAll()
      .where('size', '=', size)
      .executeTakeFirst();
    return row ? KyselyStore.head(row) : null;
  }

  async latestTreeHead(): Promise<TreeHead | null> {
    const row = await this.db
      .selectFrom('audit_heads')
      .selectAll()
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? KyselyStore.head(row) : null;
  }

  // ---- exchange rows (contracts §9)

  private static exchangeRow(r: Selectable<ExchangeRowTable>): ExchangeRow {
    return {
      seq: Number(r.seq),
      kind: r.kind,
      key: r.key,
      partner: r.partner,
      ref: r.ref,
      status: r.status,
      body: JSON.parse(r.body) as unknown,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async putExchange(row: ExchangeRowInput): Promise<{ row: ExchangeRow; added: boolean }> {
    const at = this.nowIso();
    const inserted = await this.db
      .insertInto('exchange_rows')
      .values({
        kind: row.kind,
        key: row.key,
        partner: row.partner ?? null,
        ref: row.ref ?? null,
        status: row.status,
        body: JSON.stringify(row.body),
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { row: KyselyStore.exchangeRow(inserted), added: true };
    const held = await this.getExchange(row.kind, row.key);
    if (!held) throw new ReltoError('INTERNAL', `exchange row ${row.kind}/${row.key} vanished`);
    return { row: held, added: false };
  }

  async putExchangeRows(rows: readonly ExchangeRowInput[]): Promise<number> {
    if (rows.length === 0) return 0;
    const at = this.nowIso();
    return this.atomic(async (s) => {
      let added = 0;
      // 8 parameters a row: 500 rows stay far below both engines' parameter limits.
      for (let i = 0; i < rows.length; i += 500) {
        const inserted = await s.db
          .insertInto('exchange_rows')
          .values(
            rows.slice(i, i + 500).map((row) => ({
              kind: row.kind,
              key: row.key,
              partner: row.partner ?? null,
              ref: row.ref ?? null,
              status: row.status,
              body: JSON.stringify(row.body),
              created_at: at,
              updated_at: at,
            })),
          )
          .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
          .returning('kind')
          .execute();
        added += inserted.length;
      }
      return added;
    });
  }

  async getExchange(kind: string, key: string): Promise<ExchangeRow | null> {
    const r = await this.db
      .selectFrom('exchange_rows')
      .selectAll()
      .where('kind', '=', kind)
      .where('key', '=', key)
      .executeTakeFirst();
    return r ? KyselyStore.exchangeRow(r) : null;
  }

  async updateExchange(
    kind: string,
    key: string,
    patch: { status?: string; body?: unknown },
  ): Promise<ExchangeRow | null> {
    const r = await this.db
      .updateTable('exchange_rows')
      .set({
        updated_at: this.nowIso(),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.body !== undefined ? { body: JSON.stringify(patch.body) } : {}),
      })
      .where('kind', '=', kind)
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirst();
    return r ? KyselyStore.exchangeRow(r) : null;
  }

  async listExchange(filter: ExchangeFilter): Promise<ExchangeRow[]> {
    let q = this.db.selectFrom('exchange_rows').selectAll().where('kind', '=', filter.kind);
    if (filter.partner !== undefined) q = q.where('partner', '=', filter.partner);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.ref !== undefined) q = q.where('ref', '=', filter.ref);
    if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
    const rows = await q
      .orderBy('seq', 'asc')
      .limit(filter.limit ?? 10_000)
      .execute();
    return rows.map((r) => KyselyStore.exchangeRow(r));
  }
}
