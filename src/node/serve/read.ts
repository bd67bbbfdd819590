import { ReltoError } from '../../errors/index.js';
import { redact } from '../../stix/index.js';
import type { ObjectQuery, StixObject, StoredObject } from '../../store/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import type { Decider } from '../decider.js';
import type { ManifestPage, ObjectFilter, ObjectsPage, Person, VersionsPage } from '../service.js';

/*
 * Every read path (list, get, versions, manifest, search, counts) goes through `see()`: decide(read) on the
 * floor label, then redact() for granular content (architecture: "one rule, one place"). Objects a reader
 * may not see are dropped before paging and counting, so no page size, `more`, count or total reveals them.
 * Decisions always use the item's latest label: reclassification re-marks every stored version (R8).
 */

export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';
const MAX_LIMIT = 10_000;

/** A visible object version: the stored row and the reader's (redacted) view of it. */
export interface Seen {
  row: StoredObject;
  object: StixObject;
}

export function markingIdsOf(rows: readonly StoredObject[]): string[] {
  const ids = new Set<string>();
  for (const r of rows) {
    for (const m of r.markingRefs) ids.add(m);
    for (const g of r.granularMarkings) if (g.marking_ref) ids.add(g.marking_ref);
  }
  return [...ids];
}

/**
 * The reader's view of one stored version, or null when it does not exist for them (§6, R7, R10). The floor
 * and every granular label are decided for this item, its held consents included (R11, R15–R17): one
 * decision per label and item, the same one the page filter asked and the audit log records.
 */
export function see(ctx: NodeContext, decider: Decider, row: StoredObject): StixObject | null {
  if (!row.object) return null;
  // Only the fixed relto objects are held without a label; they are public (§6).
  if (row.floor === null) return ctx.fixedIds.has(row.id) ? row.object : null;
  if (!decider.permits(row.floor, 'read', row.id)) return null;
  return redact(row.object, ctx.book.label, decider.mayReadOn(row.id)) as StixObject | null;
}

export function limitOf(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ReltoError('MALFORMED_REQUEST', 'limit must be a positive integer', '/limit');
  }
  return Math.min(limit, MAX_LIMIT);
}

function queryOf(filter: ObjectFilter, extra: Partial<ObjectQuery> = {}): ObjectQuery {
  const q: ObjectQuery = { withContent: true };
  if (filter.markingsAsObjects) q.withMarkings = true;
  if (filter.ids) q.ids = filter.ids;
  if (filter.types) q.types = filter.types;
  if (filter.versions) q.versions = filter.versions;
  if (filter.specVersions) q.specVersions = filter.specVersions;
  if (filter.addedAfter) q.addedAfter = filter.addedAfter;
  return { ...q, ...extra };
}

/**
 * Who is shown a marking-definition of the collection (TAXII): a relto label's whoever may read what it marks,
 * decided on the label itself; a receiver-equivalent label's whoever is shown the label it stands for; TLP and
 * statements (never used for access) anyone. A person kept from a label by its own rules sees it still where
 * an originator's consent held for an item shows them something it marks (R15–R17); the label of a portion
 * they may not read is never shown to them (R10).
 */
class MarkingReader {
  private byConsent: Set<string> | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly decider: Decider,
  ) {}

  /** The label id whose reading decides a marking row, or null for a marking anyone is shown. */
  private decidingLabel(row: StoredObject): string | null | undefined {
    const k = this.ctx.book.get(row.id);
    if (!k) return undefined;
    if (k.label) return k.id;
    if (k.alternative) return k.alternative.alternativeOf;
    return null;
  }

  /**
   * Before deciding on a page with marking rows: the labels shown through held consents, found first so a
   * label shown that way is not also decided (and audited) as refused on its own.
   */
  async prepare(rows: readonly StoredObject[]): Promise<void> {
    if (this.byConsent || !rows.some((r) => r.marking)) return;
    if (!this.ctx.consents || this.ctx.consents.items().length === 0) {
      this.byConsent = new Set();
      return;
    }
    await this.loadConsents();
  }

  /** The labels an item with a held consent shows the person (its floor, and each portion they may read). */
  private async loadConsents(): Promise<void> {
    const shown = new Set<string>();
    const ids = this.ctx.consents?.items() ?? [];
    for (let i = 0; i < ids.length; i += 500) {
      const page = await this.ctx.store.fetchObjects(
        { ids: ids.slice(i, i + 500), withContent: false },
        { limit: 10_000 },
      );
      await this.ctx.book.load(markingIdsOf(page.rows));
      // Asked, not noted: these items are not served by this read, only their labels may be.
      const permits = (label: string, item: string) =>
        this.decider.answer(label, 'read', item)?.decision === 'permit';
      for (const row of page.rows) {
        if (row.floor === null || !permits(row.floor, row.id)) continue;
        shown.add(row.floor);
        for (const g of row.granularMarkings) {
          if (g.marking_ref && permits(g.marking_ref, row.id)) shown.add(g.marking_ref);
        }
      }
    }
    this.byConsent = shown;
  }

  /** The marking-definition in its normal form, or null when it is not for this person. */
  see(row: StoredObject): StixObject | null {
    const label = this.decidingLabel(row);
    if (label === undefined) return null;
    const k = this.ctx.book.get(row.id)!;
    if (label === null) return k.definition;
    return this.byConsent?.has(label) || this.decider.permits(label, 'read', row.id) ? k.definition : null;
  }
}

/**
 * What a read path wants of the rows it pages through, besides what the reader may see: `row` is asked on the
 * clear columns before anything is decided (so items the path never serves are neither decided nor audited),
 * `object` on the reader's view of a row they may read.
 */
export interface Wanted {
  row?: (row: StoredObject) => boolean;
  object?: (object: StixObject) => boolean;
}

/**
 * Up to `want` visible versions after `after`, and whether at least one more visible version exists (it keeps
 * fetching until the page is full, so pages are never short because of what a reader may not see).
 */
async function visiblePage(
  ctx: NodeContext,
  decider: Decider,
  query: ObjectQuery,
  after: string | null,
  want: number,
  wanted: Wanted = {},
): Promise<{ items: Seen[]; more: boolean }> {
  const items: Seen[] = [];
  let cursor = after;
  let batch = Math.min(want + 1, 1_000);
  const clear: ObjectQuery = { ...query, withContent: false };
  const markings = new MarkingReader(ctx, decider);
  for (;;) {
    // Clear columns first: only versions whose floor the reader may read are decrypted and redacted.
    const page = await ctx.store.fetchObjects(clear, { after: cursor, limit: batch });
    await ctx.book.load([...markingIdsOf(page.rows), ...page.rows.flatMap((r) => (r.marking ? [r.id] : []))]);
    await markings.prepare(page.rows);
    const candidates = page.rows.filter(
      (row) =>
        !row.marking &&
        (!wanted.row || wanted.row(row)) &&
        (row.floor === null ? ctx.fixedIds.has(row.id) : decider.permits(row.floor, 'read', row.id)),
    );
    const loaded = new Map<string, StoredObject>();
    if (candidates.length > 0) {
      for (const row of await ctx.store.withContent(candidates)) loaded.set(row.cursor, row);
    }
    for (const clearRow of page.rows) {
      const row = clearRow.marking ? clearRow : loaded.get(clearRow.cursor);
      if (!row) continue;
      const object = row.marking ? markings.see(row) : see(ctx, decider, row);
      if (!object || (!row.marking && wanted.object && !wanted.object(object))) continue;
      if (items.length === want) return { items, more: true };
      items.push({ row, object });
    }
    if (!page.next) return { items, more: false };
    cursor = page.next;
    batch = Math.min(batch * 2, 2_000);
  }
}

/** The marking-definitions the served objects use, and the receiver-equivalent alternatives of them (§6). */
function markingsFor(ctx: NodeContext, objects: readonly StixObject[]): StixObject[] {
  const ids = new Set<string>();
  for (const o of objects) {
    for (const m of (o.object_marking_refs as string[] | undefined) ?? []) ids.add(m);
    for (const g of (o.granular_markings as { marking_ref?: string }[] | undefined) ?? []) {
      if (g.marking_ref) ids.add(g.marking_ref);
    }
  }
  const out: StixObject[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const k = ctx.book.get(id);
    if (!k || seen.has(id)) continue;
    seen.add(id);
    out.push(k.definition);
    for (const alt of ctx.book.alternativesOf(id)) {
      if (seen.has(alt.id)) continue;
      seen.add(alt.id);
      out.push(alt.definition);
    }
  }
  return out;
}

export function finish(ctx: NodeContext, decider: Decider, via: string): void {
  for (const e of decider.auditEntries(via)) ctx.audit.record(e);
}

function versionOf(row: StoredObject): string {
  return row.modified ?? row.created ?? row.dateAdded;
}

/** A page of what the person may see of `query`, its decisions audited as made `via` one read path. */
async function visibleFor(
  ctx: NodeContext,
  person: Person,
  query: ObjectQuery,
  filter: ObjectFilter,
  via: string,
): Promise<{ items: Seen[]; more: boolean }> {
  const decider = deciderFor(ctx, person);
  const page = await visiblePage(ctx, decider, query, filter.next ?? null, limitOf(filter.limit));
  finish(ctx, decider, via);
  return page;
}

/**
 * A page of the rows of `query` the person may read and the path wants, each with the reader's view of it,
 * its decisions audited as made `via` that path: for read paths that build their own answer (news).
 */
export async function visibleRows(
  ctx: NodeContext,
  person: Person,
  query: ObjectQuery,
  page: { next?: string; limit?: number },
  via: string,
  wanted: Wanted,
): Promise<{ items: Seen[]; more: boolean; next?: string }> {
  const decider = deciderFor(ctx, person);
  const { items, more } = await visiblePage(
    ctx,
    decider,
    { ...query, withContent: true },
    page.next ?? null,
    limitOf(page.limit),
    wanted,
  );
  finish(ctx, decider, via);
  const last = items.at(-1);
  return { items, more, ...(more && last ? { next: last.row.cursor } : {}) };
}

/**
 * GET objects: a page of what the reader may see. As the collection (TAXII), the marking-definitions are
 * objects of the page like any other; otherwise (the node's API) those the objects use come beside them.
 */
export async function listObjects(
  ctx: NodeContext,
  person: Person,
  filter: ObjectFilter,
): Promise<ObjectsPage> {
  const { items, more } = await visibleFor(ctx, person, queryOf(filter), filter, 'list');
  const objects = items.map((s) => s.object);
  const markings = filter.markingsAsObjects ? [] : markingsFor(ctx, objects);
  return { objects, markings, ...paging(items, more) };
}

/** TAXII paging of a page of visible rows: `more`, the next cursor, and the date_added bounds (headers). */
function paging(
  items: readonly { row: StoredObject }[],
  more: boolean,
): { more: boolean; next?: string; dateAddedFirst?: string; dateAddedLast?: string } {
  const out: { more: boolean; next?: string; dateAddedFirst?: string; dateAddedLast?: string } = { more };
  if (items.length === 0) return out;
  const last = items[items.length - 1]!.row;
  if (more) out.next = last.cursor;
  out.dateAddedFirst = items[0]!.row.dateAdded;
  out.dateAddedLast = last.dateAdded;
  return out;
}

/** TAXII GET object by id: its visible versions (by `match[version]`), empty when none is visible (404). */
export async function getObject(
  ctx: NodeContext,
  person: Person,
  id: string,
  filter: ObjectFilter,
): Promise<ObjectsPage> {
  return listObjects(ctx, person, { ...filter, ids: [id] });
}

/** TAXII GET manifest: one record per visible version. */
export async function manifest(
  ctx: NodeContext,
  person: Person,
  filter: ObjectFilter,
): Promise<ManifestPage> {
  const { items, more } = await visibleFor(ctx, person, queryOf(filter), filter, 'manifest');
  return {
    objects: items.map((s) => ({
      id: s.row.id,
      date_added: s.row.dateAdded,
      version: versionOf(s.row),
      media_type: STIX_MEDIA_TYPE,
    })),
    ...paging(items, more),
  };
}

/** TAXII GET versions: the versions of one object the reader may see. */
export async function versions(
  ctx: NodeContext,
  person: Person,
  id: string,
  filter: ObjectFilter,
): Promise<VersionsPage> {
  const query = queryOf({ ...filter, ids: [id], versions: filter.versions ?? ['all'] });
  const { items, more } = await visibleFor(ctx, person, query, filter, 'versions');
  return { versions: items.map((s) => versionOf(s.row)), ...paging(items, more) };
}

/** The latest version of an item as the person sees it, or null (not held, destroyed, or not for them). */
export async function visibleLatest(
  ctx: NodeContext,
  decider: Decider,
  id: string,
): Promise<{ row: StoredObject; object: StixObject } | null> {
  const row = await ctx.store.getObject(id);
  if (!row) return null;
  await ctx.book.load(markingIdsOf([row]));
  const object = see(ctx, decider, row);
  return object ? { row, object } : null;
}

/** A version added in a window, as the person may read it: its clear columns, and its content when asked. */
export interface AddedRow {
  row: StoredObject;
  /** The redacted object, for the rows `withContent` kept. */
  object?: StixObject;
}

/**
 * The versions of `types` added in (from, to] that the person may read: each floor decided by the one
 * Decider (R7, R10; held consents included, R15–R17) and the decisions audited as made `via` that path. Only
 * the rows `withContent` keeps are decrypted and redacted: a caller that counts the others never opens them.
 */
export async function readableAdded(
  ctx: NodeContext,
  person: Person,
  range: { from: string; to: string; types?: string[] },
  withContent: (row: StoredObject) => boolean,
  via: string,
): Promise<AddedRow[]> {
  const decider = deciderFor(ctx, person);
  const until = Date.parse(range.to);
  const query: ObjectQuery = {
    withContent: false,
    versions: ['all'],
    addedAfter: range.from,
    ...(range.types ? { types: range.types } : {}),
  };
  const out: AddedRow[] = [];
  let cursor: string | null = null;
  for (let done = false; !done; ) {
    const page = await ctx.store.fetchObjects(query, { after: cursor, limit: 1_000 });
    await ctx.book.load(markingIdsOf(page.rows));
    const kept: StoredObject[] = [];
    for (const row of page.rows) {
      if (Date.parse(row.dateAdded) > until) {
        done = true;
        break;
      }
      // Only the fixed relto objects have no floor: they are nobody's news.
      if (row.floor === null || !decider.permits(row.floor, 'read', row.id)) continue;
      kept.push(row);
    }
    const open = kept.filter(withContent);
    const loaded = new Map<string, StoredObject>();
    if (open.length > 0) for (const r of await ctx.store.withContent(open)) loaded.set(r.cursor, r);
    for (const row of kept) {
      const full = loaded.get(row.cursor);
      const object = full ? see(ctx, decider, full) : null;
      out.push(object ? { row, object } : { row });
    }
    if (!page.next) break;
    cursor = page.next;
  }
  finish(ctx, decider, via);
  return out;
}
