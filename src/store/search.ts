import { type RawBuilder, sql } from 'kysely';
import type { Scope, SearchInsert } from './context.js';
import type { ObjectVersionTable } from './database.js';
import { inList, json, parse } from './rows.js';
import type {
  GranularMarking,
  IndexText,
  SearchHit,
  SearchQuery,
  SearchScanQuery,
  SearchScanRow,
} from './store.js';
import { queryWords } from './terms.js';
import { microsToStamp, normaliseStamp } from './time.js';

/** The search index: its rows (one per marking scope of a version's text) and the two searches over them. */

/**
 * Ranking every match of a word found in nearly every item costs time in proportion to the matches (bm25 or
 * ts_rank for each); ranking only the most recent `window` matching rows keeps a search bounded (p99 < 50 ms
 * over 100,000 items) while rarer words, whose matches fit in the window, are ranked in full.
 */
const DEFAULT_SEARCH_WINDOW = 5_000;

// What trim() leaves something of (\s and trim() know the same white space), without building the trimmed copy.
const NON_BLANK = /\S/;
export function hasText(text: string): boolean {
  return NON_BLANK.test(text);
}

/**
 * The index rows of new versions, with the versions' label-derived columns, for the texts worth indexing;
 * `from[k]` is the first row of version k and `from[versions.length]` the number of rows, so a block of
 * versions takes its rows with one slice. Row ids are 0 until the caller allocates them.
 */
export function indexRows(
  versions: readonly ObjectVersionTable[],
  plans: readonly { input: { index?: IndexText[] } }[],
): { rows: SearchInsert[]; from: number[] } {
  const rows: SearchInsert[] = [];
  const from: number[] = [];
  plans.forEach((plan, k) => {
    from.push(rows.length);
    const row = versions[k]!;
    const stamp = normaliseStamp(row.modified ?? row.created ?? microsToStamp(row.added));
    for (const t of plan.input.index ?? []) {
      if (!hasText(t.text)) continue;
      rows.push({
        // Set once the row ids are allocated; first here so every row has the same shape (and column order).
        row_id: 0,
        object_id: row.id,
        version: row.version,
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
  from.push(rows.length);
  return { rows, from };
}

export async function search(scope: Scope, query: SearchQuery): Promise<SearchHit[]> {
  const words = queryWords(query.text);
  if (words.length === 0) return [];
  const f = searchFilters(query);
  if (!query.allVersions) f.push(sql`s.latest = 1`);
  if (query.tiers) f.push(query.tiers.length ? inList('s.tier', query.tiers) : sql`1 = 0`);
  if (query.levelRankMax !== undefined) f.push(sql`s.level_rank <= ${query.levelRankMax}`);
  const limit = Math.max(1, Math.min(query.limit ?? 100, 10_000));
  const window = Math.max(1, Math.min(query.window ?? DEFAULT_SEARCH_WINDOW, 1_000_000));
  return scope.ctx.ops.search(scope.db, words, f, limit, Math.max(0, query.offset ?? 0), window);
}

/** Conditions on search row `s` shared by both searches: type, originator, topics, dates. */
function searchFilters(query: Omit<SearchScanQuery, 'markings' | 'floors' | 'limit'>) {
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

export async function scanSearch(
  scope: Scope,
  query: SearchScanQuery,
): Promise<{ rows: SearchScanRow[]; next: number | null }> {
  const words = queryWords(query.text);
  if (words.length === 0 || query.markings.length === 0 || query.floors.length === 0) {
    return { rows: [], next: null };
  }
  const f = searchFilters(query);
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
  const { rows, next } = await scope.ctx.ops.scanSearch(scope.db, words, f, query.floors, before, limit);
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
