import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectOps } from '../context.js';
import type { Database } from '../database.js';
import type { QueryWord } from '../terms.js';

type Row = Awaited<ReturnType<DialectOps['scanSearch']>>['rows'][number];

/**
 * Above this many rows kept (the planner's estimate of the words with the reader's filters), walking the row
 * id index backwards and stopping at a batch is cheaper than reading every match through the GIN index and
 * sorting: a batch of 1,000 then costs at most ~123 rows read per match in 10,000 (100,000 items), against
 * 10,000 matches read the other way.
 */
const WALK_ABOVE = 10_000;
const ESTIMATES_KEPT = 1_000;
const ESTIMATE_FOR_MS = 60_000;

/**
 * A reader's search on PostgreSQL, for the node key's term hasher (`hashWords` gives the tsquery of hashed
 * terms). The index rows are taken first, newest first and at most `limit`, and only then joined to their
 * object versions (planned as one query, a common word made PostgreSQL hash-join both whole tables).
 * Which way the rows are taken is chosen here from the planner's own estimate of the matches: PostgreSQL
 * prices checking a row's tsvector far below what it costs, and walked the row id index backwards through
 * tens of thousands of rows for a word in 3% of them. ts_rank is computed for the rows taken only.
 */
export function scanSearchPostgres(
  hashWords: (words: readonly QueryWord[]) => string,
): DialectOps['scanSearch'] {
  const estimates = new Map<string, { rows: number; at: number }>();
  // The estimate is of the rows the scan keeps: the words with the reader's filters (labels, level, type…).
  // Of the words alone, a common word the reader may read in few labels was walked through the whole table.
  const estimate = async (
    db: Kysely<Database>,
    q: string,
    filters: RawBuilder<unknown>[],
  ): Promise<number> => {
    const where = sql.join([sql`s.tsv @@ to_tsquery('simple', ${q})`, ...filters], sql` AND `);
    const compiled = where.compile(db);
    const key = `${compiled.sql}\0${JSON.stringify(compiled.parameters)}`;
    const known = estimates.get(key);
    if (known && Date.now() - known.at < ESTIMATE_FOR_MS) return known.rows;
    const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`
      EXPLAIN (FORMAT JSON) SELECT 1 FROM search_rows s WHERE ${where}`.execute(db);
    const n = Number(rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
    if (estimates.size >= ESTIMATES_KEPT) estimates.clear();
    estimates.set(key, { rows: n, at: Date.now() });
    return n;
  };
  return async (db, words, filters, floors, before, limit) => {
    const q = hashWords(words);
    // `row_id + 0` keeps the planner off the row id index: every match through GIN, then a top-N sort.
    const order = (await estimate(db, q, filters)) > WALK_ABOVE ? sql`s.row_id DESC` : sql`s.row_id + 0 DESC`;
    // The rows are taken first, then ranked: in one step PostgreSQL computed ts_rank for every match the GIN
    // index gave (thousands for a common word) before keeping the newest `limit`.
    const { rows } = await sql<Row>`
      WITH k AS MATERIALIZED (
        SELECT s.row_id
        FROM search_rows s
        WHERE s.tsv @@ to_tsquery('simple', ${q}) AND s.row_id < ${before}
          AND ${sql.join(filters, sql` AND `)}
        ORDER BY ${order}
        LIMIT ${limit}),
      m AS MATERIALIZED (
        SELECT s.row_id, s.object_id, s.version, s.marking_id, s.type, s.originator,
               -ts_rank(s.tsv, to_tsquery('simple', ${q})) AS score
        FROM k JOIN search_rows s ON s.row_id = k.row_id)
      SELECT m.row_id AS "rowId", m.object_id AS id, m.version AS version, m.marking_id AS "markingId",
             m.type AS type, m.originator AS originator, m.score AS score, v.floor AS floor,
             v.granular_markings AS granular,
             coalesce(v.floor IN (${sql.join(floors.map((id) => sql`${id}`))}), false) AS "floorOk"
      FROM m LEFT JOIN object_versions v ON v.id = m.object_id AND v.version = m.version
      ORDER BY m.row_id DESC`.execute(db);
    return { rows, next: rows.length < limit ? null : Number(rows[rows.length - 1]!.rowId) };
  };
}
