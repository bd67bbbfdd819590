import { ReltoError } from '../errors/index.js';
import { newDataKey, seal, unwrapMany, wrapMany } from '../keys/index.js';
import type { Scope } from './context.js';
import type { ObjectVersionTable } from './database.js';
import { allocateClock, bump, lockObjectWriters } from './meta.js';
import { chunkFor, chunks, json, parse } from './rows.js';
import { EMPTY, sealedPlaintext } from './sealed-content.js';
import { hasText, indexRows } from './search.js';
import type { FloorInfo, GranularMarking, ObjectInput, PutResult, StixObject } from './store.js';
import { microsToStamp, normaliseStamp } from './time.js';

/**
 * Writing STIX objects: items (one data key each, R27), versions with their clear label-derived columns and
 * their search-index rows, and reclassification (R8), which rewrites only the clear columns.
 */

/** Versions (with their search rows) per block of a bulk write, see putObjectsNow. */
const PIPELINE_BLOCK = 512;

export async function putObjects(scope: Scope, inputs: ObjectInput[]): Promise<PutResult[]> {
  if (inputs.length === 0) return [];
  return scope.atomic((s) => putObjectsNow(s, inputs));
}

async function putObjectsNow(scope: Scope, inputs: ObjectInput[]): Promise<PutResult[]> {
  await lockObjectWriters(scope);
  const ids = [...new Set(inputs.map((i) => i.object.id))];
  const items = new Map<string, { wrapped: Uint8Array | null; destroyed: boolean }>();
  const held = new Map<string, Map<string, { added: number; latest: boolean }>>();
  for (const part of chunks(ids, chunkFor(1))) {
    const itemRows = await scope.db
      .selectFrom('items')
      .select(['id', 'wrapped_key', 'destroyed_at'])
      .where('id', 'in', part)
      .execute();
    for (const r of itemRows) items.set(r.id, { wrapped: r.wrapped_key, destroyed: r.destroyed_at !== null });
    // Every version's id has an item row (both are written here): new ids need no version lookup.
    const heldIds = itemRows.map((r) => r.id);
    if (heldIds.length === 0) continue;
    const versionRows = await scope.db
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
      throw new ReltoError('MALFORMED_REQUEST', 'an object needs an id of the form <type>--<uuid>', `/${at}`);
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

  const first = await allocateClock(scope, plans.length);
  const createdAt = scope.nowIso();
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
  const seals = scope.ctx.ops.sealsSearchText;
  // Held items' keys unwrapped together, new items' keys wrapped together (one KW pass each, see keys/).
  const toUnwrap = new Map<string, { wrapped: Uint8Array; itemId: string }>();
  for (const { input } of plans) {
    const wrapped = items.get(input.object.id)?.wrapped;
    if (wrapped) toUnwrap.set(input.object.id, { wrapped, itemId: input.object.id });
  }
  const unwrapped = [...toUnwrap.values()];
  unwrapMany(scope.ctx.nodeKey, unwrapped).forEach((k, n) => {
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
    await scope.db.updateTable('object_versions').set({ latest: 0 }).where('id', 'in', part).execute();
    await scope.db.updateTable('search_rows').set({ latest: 0 }).where('object_id', 'in', part).execute();
  }
  scope.afterCommit!.push(() => scope.ctx.ops.afterBulkInsert(scope.ctx.root, rows.length));

  const { rows: search, from: searchFrom } = indexRows(rows, plans);
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
      const firstRow = (await bump(scope, 'search', search.length)) - search.length + 1;
      for (let k = 0; k < search.length; k++) search[k]!.row_id = firstRow + k;
    }
    wrapMany(scope.ctx.nodeKey, newKeys).forEach((w, n) => {
      newItems[n]!.wrapped_key = w;
    });
    track(scope.ctx.ops.insertMany(scope.db, 'items', newItems));
    for (let from = 0; from < rows.length; from += PIPELINE_BLOCK) {
      const to = Math.min(rows.length, from + PIPELINE_BLOCK);
      const blockSearch = search.slice(searchFrom[from]!, searchFrom[to]!);
      if (blockSearch.length > 0) track(scope.ctx.ops.insertSearch(scope.db, blockSearch));
      for (let k = from; k < to; k++) {
        const { key, object, texts } = toSeal[k]!;
        const { object_marking_refs: _refs, granular_markings: _granular, ...rest } = object;
        // Markings stay out of the ciphertext: they live in clear columns and reclassification (R8) only
        // rewrites those; the object is put back together on the way out.
        rows[k]!.content = seal(key, sealedPlaintext(json(rest), texts), `${object.id}\n${versionOf[k]!}`);
      }
      track(
        scope.ctx.ops.insertMany(
          scope.db,
          'object_versions',
          rows.slice(from, to) as unknown as Record<string, unknown>[],
        ),
      );
      if (scope.ctx.ops.pipelines && to < rows.length) await new Promise((r) => setImmediate(r));
    }
  } finally {
    // Never leave a statement running behind an error: the transaction rolls back after them.
    await Promise.allSettled(pending);
  }
  await Promise.all(pending);
  return results;
}

export async function replaceMarking(
  scope: Scope,
  objectId: string,
  oldMarkingId: string,
  newMarkingId: string,
  floor?: Omit<FloorInfo, 'floor'>,
): Promise<number> {
  return scope.atomic(async (s) => {
    await lockObjectWriters(s);
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
      if (!isFloor && !refs.includes(oldMarkingId) && !granular.some((g) => g.marking_ref === oldMarkingId)) {
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
          ...(isFloor && floor ? floorColumns(floor) : {}),
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
        .set(floorColumns(floor))
        .where('object_id', '=', objectId)
        .execute();
    }
    return changed;
  });
}

/** The floor's label-derived columns a reclassification sets: only those given, the rest stay. */
function floorColumns(floor: Omit<FloorInfo, 'floor'>) {
  return {
    ...(floor.originator !== undefined ? { originator: floor.originator } : {}),
    ...(floor.levelRank !== undefined ? { level_rank: floor.levelRank } : {}),
    ...(floor.tier !== undefined ? { tier: floor.tier } : {}),
    ...(floor.topics !== undefined ? { topics: json(floor.topics) } : {}),
  };
}
