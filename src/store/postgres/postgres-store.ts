import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.js';
import { exchangeTable } from '../exchange-table.js';
import { type DialectOps, insertManyWithKysely, KyselyStore } from '../kysely-store.js';
import { coreTables, migrate } from '../migrations.js';
import type { SearchHit, Store } from '../store.js';
import { termHasher } from './hashed-terms.js';
import { searchIndexPostgres } from './search-index.js';
import { scanSearchPostgres } from './search-scan.js';

const INT8_OID = 20;

// µs timestamps and counters fit well within 2^53: read int8 as a number, not a string.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

// A big post into tables without statistics makes the planner sort whole tables to serve one page; autovacuum
// catches up only later, so a store refreshes them itself after large inserts (at most once a minute).
const ANALYZE_AFTER_ROWS = 1000;
const ANALYZE_EVERY_MS = 60_000;

function postgresOps(nodeKey: Uint8Array): DialectOps {
  let lastAnalyze = 0;
  const terms = termHasher(nodeKey);
  return {
    name: 'postgres',
    greatest: 'greatest',
    sealsSearchText: false,
    insertMany: insertManyWithKysely,
    async insertSearch(db, rows) {
      for (let i = 0; i < rows.length; i += 2_000) {
        const part = rows.slice(i, i + 2_000);
        await db
          .insertInto('search_rows')
          .values(
            part.map(({ text, ...r }) => ({ ...r, tsv: sql`to_tsvector('simple', ${terms.text(text)})` })),
          )
          .execute();
      }
    },
    async deleteSearchIndex() {
      // The tsvector lives in search_rows itself, which the shared code deletes.
    },
    async search(db, words, filters, limit, offset, window) {
      const where = filters.length ? sql`WHERE ${sql.join(filters, sql` AND `)}` : sql``;
      // The window carries every filter column itself: joining back to search_rows made PostgreSQL hash-join
      // the whole table.
      const { rows } = await sql<SearchHit>`
      SELECT s.object_id AS id, s.version AS version, s.marking_id AS "markingId", s.type AS type,
             s.originator AS originator, s.score AS score
      FROM (SELECT w.row_id, w.object_id, w.version, w.marking_id, w.type, w.originator, w.level_rank, w.tier,
                   w.topics, w.stamp, w.latest, -ts_rank(w.tsv, q) AS score
            FROM search_rows w, plainto_tsquery('simple', ${terms.words(words)}) q
            WHERE w.tsv @@ q ORDER BY w.row_id DESC LIMIT ${window}) s
      ${where}
      ORDER BY s.score, s.row_id
      LIMIT ${limit} OFFSET ${offset}`.execute(db);
      return rows.map((r) => ({ ...r, score: Number(r.score) }));
    },
    async afterBulkInsert(db, rows) {
      if (rows < ANALYZE_AFTER_ROWS || Date.now() - lastAnalyze < ANALYZE_EVERY_MS) return;
      lastAnalyze = Date.now();
      await sql`ANALYZE object_versions, items, search_rows`.execute(db);
    },
    async afterDestroy(db) {
      // Best effort: PostgreSQL keeps a destroyed row's old version until VACUUM, and never scrubs freed space
      // or its WAL, so the wrapped data key may linger there; content is ciphertext and the index holds only
      // keyed term hashes. Only the SQLite store is proven to leave nothing (R27).
      await sql`VACUUM items`.execute(db);
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Opens (migrating if needed) the PostgreSQL store at `url`, in `schema` (default: the server's default). */
export async function openPostgresStore(
  url: string,
  nodeKey: Uint8Array,
  now: () => number,
  schema?: string,
): Promise<Store> {
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    types,
    scanSearch: scanSearchPostgres(terms.words),
    max: 10,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(
      db as Kysely<unknown>,
      {
        '0001_core_tables': coreTables('postgres'),
        '0002_search_index': searchIndexPostgres,
        '0003_exchange': exchangeTable('postgres'),
      },
      schema,
    );
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, { ops: postgresOps(nodeKey), nodeKey, now, root: db, onClose: async () => {} });
}
