import { ReltoError } from '../../errors/index.js';
import { tierOrder } from '../../label/index.js';
import {
  isRequiredProperty,
  requiredProperties,
  type SelectorPath,
  textScopes,
  unitOf,
} from '../../stix/index.js';
import {
  type GranularMarking,
  type QueryWord,
  queryWords,
  type SearchScanQuery,
  type SearchScanRow,
  type StixObject,
  textHolds,
} from '../../store/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import type { Decider } from '../decider.js';
import type { Person, SearchRequest, SearchResult } from '../service.js';
import { finish, limitOf, markingIdsOf, see } from './read.js';

/*
 * Full-text search over what the reader may read (issue 3 item 6; R7, R10, contracts §6).
 *
 * Decisions are made once per label, not per object: labels are few and objects many. The labels the reader
 * may read go into the store's query, so the database returns only index rows whose own marking (the most
 * specific label over the matched text) and whose object's floor the reader may read. What is left to the
 * node is the rare object with a granular label the reader may not read: from its clear granular markings
 * the node tells whether redaction would make it absent (a required property withheld) and whether the
 * matched text could lie under that label too; only when the clear columns cannot tell is the object
 * decrypted and the words looked for in the reader's own view of it. So no hit, count or page reveals
 * anything withheld, and no content is decrypted but the page served and those rare objects.
 *
 * Counting stops at SEARCH_COUNT_CAP readable hits (the result says so): a word found in nearly every item
 * then costs a bounded scan instead of one over every match. The newest SEARCH_COUNT_CAP readable hits are
 * ranked by relevance (bm25 / ts_rank); deeper pages continue newest first.
 */

/** Readable hits counted at most; beyond it `total` is a lower bound and `totalCapped` is set. */
export const SEARCH_COUNT_CAP = 1_000;

// Index rows asked for per hit still wanted: a row in five or so is another row of an object already seen.
const ROWS_PER_HIT = 1.25;
const MIN_BATCH = 100;
const MAX_BATCH = 20_000;

/** Which floor levels a `level` filter lets through: a tier id, or a level of the reader's own scheme. */
function levelFilter(ctx: NodeContext, person: Person, level: string): NonNullable<SearchScanQuery['level']> {
  const tiers = tierOrder(ctx.registry);
  let top = tiers.indexOf(level);
  let rankMax: number | undefined;
  if (top < 0) {
    const own = ctx.registry.parties.get(person.party)?.levels.get(level);
    if (!own) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `level ${level} is neither a tier (${tiers.join(', ')}) nor a level of ${person.party}`,
        '/level',
      );
    }
    rankMax = own.rank;
    const t = ctx.registry.tierOf(person.party, level, []);
    top = t === undefined ? -1 : tiers.indexOf(t);
  }
  return {
    tiers: tiers.slice(0, top + 1),
    ...(rankMax !== undefined ? { originator: person.party, rankMax } : {}),
  };
}

/** True when one path lies within the other: text under both is under both labels. */
function overlaps(a: SelectorPath, b: SelectorPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

type Verdict = 'hit' | 'absent' | 'check';

/**
 * Whether withholding `unreadable` from an object of `type` makes it absent (contracts §6: a required
 * property withheld), from the clear markings alone: 'yes', 'no', or 'unknown' when it depends on the
 * content (a member of an "at least one of" group, a nested part of a required property).
 */
function absence(type: string, unreadable: readonly GranularMarking[]): 'yes' | 'no' | 'unknown' {
  let unknown = false;
  for (const g of unreadable) {
    for (const s of g.selectors) {
      const u = unitOf(s);
      if (u.kind === 'portion') continue; // a withheld portion leaves {"withheld": true}
      const top = u.path[0];
      if (typeof top !== 'string') return 'unknown';
      if (u.path.length === 1 && requiredProperties(type).includes(top)) return 'yes';
      // Required for no content of this type (an empty object counts every "at least one of" as missing).
      if (!isRequiredProperty({ type }, top)) continue;
      unknown = true;
    }
  }
  return unknown ? 'unknown' : 'no';
}

/**
 * What one index row means for this reader, given that SQL let through only rows whose marking and floor
 * they may read: a hit, an object absent for them, or a row the clear columns cannot settle.
 */
function verdictOf(
  row: SearchScanRow,
  readable: ReadonlySet<string>,
  isReltoLabel: (id: string) => boolean,
): Verdict {
  const relto = row.granularMarkings.filter(
    (g): g is GranularMarking & { marking_ref: string } =>
      g.marking_ref !== undefined && g.marking_ref !== row.floor && isReltoLabel(g.marking_ref),
  );
  const unreadable = relto.filter((g) => !readable.has(g.marking_ref));
  if (unreadable.length === 0) return 'hit';
  const gone = absence(row.type, unreadable);
  if (gone === 'yes') return 'absent';
  if (gone === 'unknown') return 'check';
  // The floor's own text lies under no granular label at all.
  if (row.markingId === row.floor) return 'hit';
  // The row holds the text whose most specific label (the greatest id, as the index sorts them) is its
  // marking; a label sorted before it whose selection overlaps its own may cover that text too.
  const own = relto
    .filter((g) => g.marking_ref === row.markingId)
    .flatMap((g) => g.selectors.map((s) => unitOf(s).path));
  const covered = unreadable.some(
    (g) =>
      g.marking_ref < row.markingId && g.selectors.some((s) => own.some((p) => overlaps(p, unitOf(s).path))),
  );
  return covered ? 'check' : 'hit';
}

interface Candidate {
  id: string;
  /** Newest index row seen (scan order). */
  rowId: number;
  /** Best (lowest) score of its hit rows. */
  score: number;
  state: Verdict;
}

/** The reader's views of the latest versions of `ids` (decrypted in one query per thousand). */
async function viewsOf(
  ctx: NodeContext,
  decider: Decider,
  ids: readonly string[],
): Promise<
  Map<string, { object: StixObject; modified: string | null; type: string; originator: string | null }>
> {
  const out = new Map<
    string,
    { object: StixObject; modified: string | null; type: string; originator: string | null }
  >();
  for await (const rows of latestRows(ctx, ids, true)) {
    for (const row of rows) {
      const object = see(ctx, decider, row);
      if (object)
        out.set(row.id, { object, modified: row.modified, type: row.type, originator: row.originator });
    }
  }
  return out;
}

/** The latest versions of `ids`, a thousand a query, each page's labels loaded into the label book. */
async function* latestRows(ctx: NodeContext, ids: readonly string[], withContent: boolean) {
  for (let i = 0; i < ids.length; i += 1_000) {
    const part = ids.slice(i, i + 1_000);
    const page = await ctx.store.fetchObjects(
      { ids: part, versions: ['last'], withContent },
      { limit: part.length },
    );
    await ctx.book.load(markingIdsOf(page.rows));
    yield page.rows;
  }
}

/** Does some scope of what the reader sees of the object hold every word (the index matches per scope)? */
function holdsWords(ctx: NodeContext, object: StixObject, wanted: readonly QueryWord[]): boolean {
  return textScopes(object, ctx.book.isReltoLabel).some((s) => textHolds(s.text, wanted));
}

/** The relto labels the node holds, loaded into the label book. */
async function heldLabels(ctx: NodeContext): Promise<string[]> {
  const defs = await ctx.store.listMarkingDefinitions({ kind: 'relto-label' });
  const ids = defs.map((d) => d.id);
  await ctx.book.load(ids);
  return ids.filter((id) => ctx.book.isReltoLabel(id));
}

/**
 * R11, R15–R17: the items the reader may read only through consents held for them (their label alone is not
 * readable, e.g. a forwarded item whose Releasable To does not name the reader's party), and those items'
 * floor labels. Consents are held for few items, so each is decided on its own.
 */
async function readableThroughConsent(
  ctx: NodeContext,
  decider: Decider,
  readable: ReadonlySet<string>,
): Promise<{ items: Set<string>; labels: Set<string> }> {
  const items = new Set<string>();
  const labels = new Set<string>();
  for await (const rows of latestRows(ctx, ctx.consents?.items() ?? [], false)) {
    for (const row of rows) {
      if (row.floor === null || readable.has(row.floor)) continue;
      if (decider.answer(row.floor, 'read', row.id)?.decision !== 'permit') continue;
      items.add(row.id);
      labels.add(row.floor);
    }
  }
  return { items, labels };
}

export async function search(
  ctx: NodeContext,
  person: Person,
  request: SearchRequest,
): Promise<SearchResult> {
  const text = typeof request.text === 'string' ? request.text : '';
  const wanted = queryWords(text);
  const limit = limitOf(request.limit);
  const offset = Math.max(0, request.offset ?? 0);
  if (wanted.length === 0) return { total: 0, hits: [] };
  const decider = deciderFor(ctx, person);
  const level = request.level ? levelFilter(ctx, person, request.level) : undefined;
  // R7, R10: one decision per label held, whatever the number of items under it.
  const readable = (await heldLabels(ctx)).filter((id) => decider.permits(id, 'read'));
  const readableSet = new Set(readable);
  // Items readable through their held consents: their labels join the query, and their rows are settled
  // against the reader's own view of the item (see()), never by label alone.
  const consented = await readableThroughConsent(ctx, decider, readableSet);
  const scannedLabels = [...readable, ...consented.labels];
  const query: Omit<SearchScanQuery, 'limit'> = {
    text,
    markings: scannedLabels,
    floors: scannedLabels,
    ...(request.types ? { types: request.types } : {}),
    ...(request.originators ? { originators: request.originators } : {}),
    ...(request.topics ? { topics: request.topics } : {}),
    ...(request.from ? { from: request.from } : {}),
    ...(request.to ? { to: request.to } : {}),
    ...(level ? { level } : {}),
  };

  const target = Math.max(SEARCH_COUNT_CAP, offset + limit);
  const candidates = new Map<string, Candidate>();
  const verdicts = new Map<string, Verdict>();
  let hits = 0;
  let exhausted = scannedLabels.length === 0;
  let before: number | undefined;
  let batch = Math.ceil(target * ROWS_PER_HIT);
  let scanned = 0;
  while (!exhausted && hits < target) {
    const { rows, next } = await ctx.store.scanSearch({
      ...query,
      limit: batch,
      ...(before !== undefined ? { before } : {}),
    });
    const pending: Candidate[] = [];
    for (const row of rows) {
      let verdict: Verdict = 'hit';
      if (!readableSet.has(row.floor) || !readableSet.has(row.markingId)) {
        // A label readable only through some item's consents: only those items' rows, checked on their view.
        if (!consented.items.has(row.id)) continue;
        verdict = 'check';
      } else if (row.granularMarkings.length > 0) {
        const key = `${row.type}\n${row.floor}\n${row.markingId}\n${JSON.stringify(row.granularMarkings)}`;
        verdict = verdicts.get(key) ?? verdictOf(row, readableSet, ctx.book.isReltoLabel);
        verdicts.set(key, verdict);
      }
      let c = candidates.get(row.id);
      if (!c) {
        c = { id: row.id, rowId: row.rowId, score: row.score, state: verdict };
        candidates.set(row.id, c);
        if (verdict === 'hit') hits++;
        else if (verdict === 'check') pending.push(c);
        continue;
      }
      if (c.state === 'absent') continue;
      if (verdict === 'hit' && c.state !== 'hit') {
        c.state = 'hit';
        c.score = row.score;
        hits++;
      } else if (verdict === 'hit') c.score = Math.min(c.score, row.score);
    }
    // Only the rows the clear columns could not settle: the words must be in what the reader would see.
    const unsettled = pending.filter((c) => c.state === 'check');
    if (unsettled.length > 0) {
      const views = await viewsOf(
        ctx,
        decider,
        unsettled.map((c) => c.id),
      );
      for (const c of unsettled) {
        const v = views.get(c.id);
        c.state = v && holdsWords(ctx, v.object, wanted) ? 'hit' : 'absent';
        if (c.state === 'hit') hits++;
      }
    }
    if (next === null) exhausted = true;
    else {
      before = next;
      // The next batch sized by the share of rows that were hits so far, so the cap costs one or two queries.
      scanned += rows.length;
      const perHit = scanned / Math.max(hits, 1);
      batch = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil((target - hits) * perHit * ROWS_PER_HIT)));
    }
  }

  // The newest SEARCH_COUNT_CAP hits ranked by relevance, then the rest newest first: one order for every
  // page, whatever its offset.
  const found = [...candidates.values()].filter((c) => c.state === 'hit').sort((a, b) => b.rowId - a.rowId);
  const ranked = found
    .slice(0, SEARCH_COUNT_CAP)
    .sort((a, b) => a.score - b.score || b.rowId - a.rowId)
    .concat(found.slice(SEARCH_COUNT_CAP));
  const page = ranked.slice(offset, offset + limit).map((c) => c.id);
  const views = await viewsOf(ctx, decider, page);
  // Stopped before the last match: at least `target` hits, however far the last batch went past it.
  const out: SearchResult = { total: exhausted ? found.length : target, hits: [] };
  if (!exhausted) out.totalCapped = true;
  for (const id of page) {
    const v = views.get(id);
    if (!v) continue; // destroyed or re-marked since the scan
    const hit: SearchResult['hits'][number] = { id, type: v.type, originator: v.originator };
    if (typeof v.object.name === 'string') hit.name = v.object.name;
    if (v.modified) hit.modified = v.modified;
    out.hits.push(hit);
  }
  finish(ctx, decider, 'search');
  return out;
}
