import { sql } from 'kysely';
import type { DialectOps } from '../context.js';
import { type QueryWord, splitCjkRuns } from '../terms.js';

/**
 * What FTS5 is given to index a row's text, and given again to delete it (a contentless table removes
 * exactly the tokens it is given, R27): its CJK runs split into their terms, other text as it is.
 */
export const ftsText = splitCjkRuns;

/**
 * FTS5 query: each word's terms quoted as one phrase (so no word is read as an operator, and a CJK word's
 * bigrams must stand next to each other), all words required.
 */
export function ftsQuery(words: readonly QueryWord[]): string {
  return words.map((w) => `"${w.terms.join(' ').replace(/"/g, '""')}"`).join(' AND ');
}

type Row = Awaited<ReturnType<DialectOps['scanSearch']>>['rows'][number];

/**
 * A reader's search on SQLite: FTS5 walks the matches newest first (rowid descending, no sort) and the
 * loop stops at `limit` rows that pass every filter, so a word found in nearly every item costs only the
 * rows a reader's page and count need; bm25 is computed for the rows returned only.
 */
export const scanSearchSqlite: DialectOps['scanSearch'] = async (
  db,
  words,
  filters,
  floors,
  before,
  limit,
) => {
  const { rows } = await sql<Row>`
    SELECT s.row_id AS "rowId", s.object_id AS id, s.version AS version, s.marking_id AS "markingId",
           s.type AS type, s.originator AS originator, bm25(search_fts) AS score, v.floor AS floor,
           v.granular_markings AS granular, 1 AS "floorOk"
    FROM search_fts f
    JOIN search_rows s ON s.row_id = f.rowid
    JOIN object_versions v ON v.id = s.object_id AND v.version = s.version
    WHERE search_fts MATCH ${ftsQuery(words)} AND f.rowid < ${before} AND ${sql.join(filters, sql` AND `)}
      AND v.floor IN (${sql.join(floors.map((id) => sql`${id}`))})
    ORDER BY f.rowid DESC
    LIMIT ${limit}`.execute(db);
  return { rows, next: rows.length < limit ? null : rows[rows.length - 1]!.rowId };
};
