import { sql } from 'kysely';
import type { DialectOps } from '../kysely-store.js';

type Row = Awaited<ReturnType<DialectOps['scanSearch']>>['rows'][number];

/**
 * A reader's search on PostgreSQL, for the node key's term hasher (`hashWords` gives the hashed query
 * terms). The index rows are taken first, newest first and at most `limit` (the planner walks the row id
 * index backwards for a common word and stops, or takes the GIN index for a rare one), and only then joined
 * to their object versions: planned as one query, a common word made PostgreSQL hash-join both whole tables.
 * ts_rank is computed for the rows taken only.
 */
export function scanSearchPostgres(hashWords: (words: string[]) => string): DialectOps['scanSearch'] {
  return async (db, words, filters, floors, before, limit) => {
    const q = hashWords(words);
    const { rows } = await sql<Row>`
      WITH m AS MATERIALIZED (
        SELECT s.row_id, s.object_id, s.version, s.marking_id, s.type, s.originator,
               -ts_rank(s.tsv, plainto_tsquery('simple', ${q})) AS score
        FROM search_rows s
        WHERE s.tsv @@ plainto_tsquery('simple', ${q}) AND s.row_id < ${before}
          AND ${sql.join(filters, sql` AND `)}
        ORDER BY s.row_id DESC
        LIMIT ${limit})
      SELECT m.row_id AS "rowId", m.object_id AS id, m.version AS version, m.marking_id AS "markingId",
             m.type AS type, m.originator AS originator, m.score AS score, v.floor AS floor,
             v.granular_markings AS granular,
             coalesce(v.floor IN (${sql.join(floors.map((id) => sql`${id}`))}), false) AS "floorOk"
      FROM m LEFT JOIN object_versions v ON v.id = m.object_id AND v.version = m.version
      ORDER BY m.row_id DESC`.execute(db);
    return { rows, next: rows.length < limit ? null : Number(rows[rows.length - 1]!.rowId) };
  };
}
