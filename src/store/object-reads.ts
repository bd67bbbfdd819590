import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { open, unwrapMany } from '../keys/index.js';
import type { Scope } from './context.js';
import type { Database, ObjectVersionTable } from './database.js';
import { chunkFor, chunks, parse } from './rows.js';
import { contentJson } from './sealed-content.js';
import type {
  FetchOptions,
  GranularMarking,
  ItemInfo,
  ObjectPage,
  ObjectQuery,
  StixObject,
  StoredObject,
} from './store.js';
import { decodeCursor, encodeCursor, microsToStamp, normaliseStamp, stampToMicros } from './time.js';

/** Reading STIX objects: pages in date_added order (TAXII), single versions, and content opened on demand. */

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

function baseVersions(scope: Scope, withContent: boolean) {
  // No join with items: the planner then never has a reason to scan it, and rows stay in date_added order.
  const q = scope.db.selectFrom('object_versions as v').select(VERSION_COLUMNS);
  return withContent ? q.select(['v.content']) : q;
}

/** Unwrapped data keys of the items of `rows`, by id (one indexed lookup per page, not per row). */
async function keysFor(scope: Scope, rows: VersionRow[]): Promise<Map<string, Uint8Array>> {
  const keys = new Map<string, Uint8Array>();
  const ids = [...new Set(rows.map((r) => r.id))];
  for (const part of chunks(ids, chunkFor(1))) {
    const items = await scope.db
      .selectFrom('items')
      .select(['id', 'wrapped_key'])
      .where('id', 'in', part)
      .execute();
    const wrapped = items.flatMap((i) => (i.wrapped_key ? [{ wrapped: i.wrapped_key, itemId: i.id }] : []));
    unwrapMany(scope.ctx.nodeKey, wrapped).forEach((k, n) => {
      keys.set(wrapped[n]!.itemId, k);
    });
  }
  return keys;
}

async function toStored(scope: Scope, rows: VersionRow[], withContent: boolean): Promise<StoredObject[]> {
  const keys = withContent ? await keysFor(scope, rows) : new Map<string, Uint8Array>();
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

export async function fetchObjects(
  scope: Scope,
  query: ObjectQuery,
  options: FetchOptions = {},
): Promise<ObjectPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
  const withContent = query.withContent !== false;
  const newest = query.newestFirst === true;
  if (newest && query.withMarkings) throw new Error('markings are paged oldest first only');
  let lower = !newest && options.after ? decodeCursor(options.after) : 0;
  if (query.addedAfter) lower = Math.max(lower, stampToMicros(query.addedAfter, 'added_after'));
  // The query builder's type changes with the selected columns; one alias keeps the filters readable.
  let q = baseVersions(scope, withContent).where('v.added', '>', lower) as SelectQueryBuilder<
    Database & { v: ObjectVersionTable },
    'v',
    VersionRow
  >;
  // Newest first, a cursor is where the previous page ended: what follows is older.
  if (newest && options.after) q = q.where('v.added', '<', decodeCursor(options.after));
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
    .orderBy('v.added', newest ? 'desc' : 'asc')
    .limit(limit + 1)
    .execute()) as VersionRow[];
  const markings = query.withMarkings ? await markingRows(scope, query, lower, limit + 1) : [];
  if (markings.length === 0) {
    const more = rows.length > limit;
    const page = await toStored(scope, more ? rows.slice(0, limit) : rows, withContent);
    return { rows: page, next: more ? page[page.length - 1]!.cursor : null };
  }
  // Two date_added-ordered lists from one clock, merged: a page counts markings like any other object.
  const objects = await toStored(scope, rows, withContent);
  const merged = [...objects, ...markings].sort((a, b) => decodeCursor(a.cursor) - decodeCursor(b.cursor));
  const more = merged.length > limit;
  const page = more ? merged.slice(0, limit) : merged;
  return { rows: page, next: more ? page[page.length - 1]!.cursor : null };
}

const MARKING_TYPE = 'marking-definition';

/** Up to `limit` marking-definitions after `lower` that match the query's filters, as stored rows. */
async function markingRows(
  scope: Scope,
  query: ObjectQuery,
  lower: number,
  limit: number,
): Promise<StoredObject[]> {
  if (query.types && !query.types.includes(MARKING_TYPE)) return [];
  if (query.specVersions?.length && !query.specVersions.includes('2.1')) return [];
  if (query.ids && !query.ids.some((id) => id.startsWith(`${MARKING_TYPE}--`))) return [];
  let q = scope.db
    .selectFrom('marking_definitions')
    .select(['id', 'kind', 'alternative_of', 'json', 'added', 'version'])
    .where('added', '>', lower);
  if (query.ids) q = q.where('id', 'in', query.ids);
  // A marking-definition has one version: it is its first, its last and every one.
  const versions = query.versions?.length ? query.versions : ['last'];
  if (!versions.some((v) => v === 'last' || v === 'first' || v === 'all')) {
    q = q.where(
      'version',
      'in',
      versions.map((v) => normaliseStamp(v)),
    );
  }
  const rows = await q.orderBy('added').limit(limit).execute();
  return rows.map((r) => {
    const added = Number(r.added);
    const object = parse<StixObject>(r.json);
    return {
      id: r.id,
      type: MARKING_TYPE,
      specVersion: typeof object.spec_version === 'string' ? object.spec_version : '2.1',
      version: r.version ?? microsToStamp(added),
      modified: null,
      created: typeof object.created === 'string' ? object.created : null,
      createdByRef: typeof object.created_by_ref === 'string' ? object.created_by_ref : null,
      dateAdded: microsToStamp(added),
      cursor: encodeCursor(added),
      latest: true,
      floor: null,
      markingRefs: [],
      granularMarkings: [],
      originator: null,
      levelRank: null,
      tier: null,
      topics: [],
      object,
      marking: { kind: r.kind, alternativeOf: r.alternative_of },
    };
  });
}

export async function* scanObjects(
  scope: Scope,
  query: ObjectQuery,
  options: FetchOptions & { batchSize?: number } = {},
): AsyncIterable<StoredObject> {
  let after = options.after ?? null;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const page = await fetchObjects(scope, query, { after, limit: Math.min(options.batchSize ?? 200, left) });
    for (const row of page.rows) yield row;
    left -= page.rows.length;
    if (!page.next) return;
    after = page.next;
  }
}

export async function withContent(scope: Scope, rows: StoredObject[]): Promise<StoredObject[]> {
  const byAdded = new Map<number, VersionRow>();
  for (const part of chunks(
    rows.map((r) => decodeCursor(r.cursor)),
    chunkFor(1),
  )) {
    const found = (await baseVersions(scope, true).where('v.added', 'in', part).execute()) as VersionRow[];
    for (const f of found) byAdded.set(Number(f.added), f);
  }
  const wanted = rows.map((r) => byAdded.get(decodeCursor(r.cursor))).filter((r) => r !== undefined);
  return toStored(scope, wanted, true);
}

export async function getObject(scope: Scope, id: string, version?: string): Promise<StoredObject | null> {
  let q = baseVersions(scope, true).where('v.id', '=', id) as SelectQueryBuilder<
    Database & { v: ObjectVersionTable },
    'v',
    VersionRow
  >;
  q =
    version === undefined ? q.where('v.latest', '=', 1) : q.where('v.version', '=', normaliseStamp(version));
  const row = (await q.executeTakeFirst()) as VersionRow | undefined;
  return row ? (await toStored(scope, [row], true))[0]! : null;
}

export async function getItem(scope: Scope, id: string): Promise<ItemInfo | null> {
  const row = await scope.db
    .selectFrom('items')
    .select(['id', 'type', 'destroyed_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { id: row.id, type: row.type, destroyedAt: row.destroyed_at } : null;
}
