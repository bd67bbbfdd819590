import { sql } from 'kysely';
import type { DialectOps } from '../kysely-store.js';

/**
 * A reader's search on PostgreSQL, for the node key's term hasher (`words` gives the hashed query terms):
 * rows newest first, so the planner walks the row id index backwards for a common word and stops at
 * `limit` rows, or takes the GIN index for a rare one; ts_rank only for the rows returned.
 */
export function scanSearchPostgres(hashWords: (words: string[]) => string): DialectOps['scanSearch'] {
  return async (db, words, filters, before, limit) => {
    const { rows } = await sql<Awaited<ReturnType<DialectOps['scanSearch']>>[number]>`
      SELECT s.row_id AS "rowId", s.object_id AS id, s.version AS version, s.marking_id AS "markingId",
             s.type AS type, s.originator AS originator,
             -ts_rank(s.tsv, plainto_tsquery('simple', ${hashWords(words)})) AS score, v.floor AS floor,
             v.granular_markings AS granular
      FROM search_rows s
      JOIN object_versions v ON v.id = s.object_id AND v.version = s.version
      WHERE s.tsv @@ plainto_tsquery('simple', ${hashWords(words)}) AND s.row_id < ${before}
        AND ${sql.join(filters, sql` AND `)}
      ORDER BY s.row_id DESC
      LIMIT ${limit}`.execute(db);
    return rows;
  };
}
