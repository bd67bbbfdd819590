import { CompiledQuery, Kysely, type Migration, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DialectOps } from '../context.js';
import type { Database } from '../database.js';
import { exchangeTable } from '../exchange-table.js';
import { kyselyStore } from '../kysely-store.js';
import {
  briefTables,
  coreTables,
  exchangeRowShapes,
  exec,
  feedTables,
  markingsInCollection,
  migrate,
  personLang,
} from '../migrations.js';
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

// PostgreSQL binds at most 65,535 parameters per statement.
const MAX_PARAMS = 65_000;

/**
 * Multi-row INSERTs written out directly (no query builder: compiling tens of thousands of value nodes per
 * post cost more than the statement itself), as many rows per statement as the parameter limit allows.
 * `casts` adds a cast to a column's placeholders (`::tsvector`). Table and column names come from this
 * module's code, never from input.
 */
async function insertRows(
  db: Kysely<Database>,
  table: string,
  rows: readonly Record<string, unknown>[],
  casts: Record<string, string> = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  const per = Math.floor(MAX_PARAMS / columns.length);
  for (let from = 0; from < rows.length; from += per) {
    const to = Math.min(rows.length, from + per);
    const params: unknown[] = new Array((to - from) * columns.length);
    const tuples: string[] = new Array(to - from);
    let p = 0;
    for (let i = from; i < to; i++) {
      const row = rows[i]!;
      let tuple = '(';
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        params[p++] = row[column];
        tuple += `${c === 0 ? '' : ','}$${p}${casts[column] ?? ''}`;
      }
      tuples[i - from] = `${tuple})`;
    }
    await db.executeQuery(CompiledQuery.raw(head + tuples.join(','), params));
  }
}

/**
 * 0004 (PostgreSQL): rows up to a page stay inline (toast_tuple_target). A search row's keyed-hash vector
 * (about 1.8 kB for an ATT&CK description) barely compresses and a version's ciphertext not at all, yet past
 * 2 kB PostgreSQL tried to compress them and moved them to the TOAST table: a third of a post's search-row
 * INSERT time, a quarter of its version INSERT.
 */
const inlineRows: Migration = {
  async up(db) {
    await exec(db, 'ALTER TABLE search_rows SET (toast_tuple_target = 8160)');
    await exec(db, 'ALTER TABLE object_versions SET (toast_tuple_target = 8160)');
  },
};

function postgresOps(nodeKey: Uint8Array): DialectOps {
  let lastAnalyze = 0;
  const terms = termHasher(nodeKey);
  return {
    name: 'postgres',
    greatest: 'greatest',
    sealsSearchText: false,
    pipelines: true,
    insertMany: insertRows,
    async insertSearch(db, rows) {
      // The vector is built here (keyed term hashes, as to_tsvector would give it) and sent in binary:
      // PostgreSQL's text parser over the hashed terms was half of a post's time in the server.
      await insertRows(
        db,
        'search_rows',
        rows.map(({ text, ...r }) => ({ ...r, tsv: terms.vector(text) })),
        { tsv: '::tsvector' },
      );
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
            FROM search_rows w, to_tsquery('simple', ${terms.query(words)}) q
            WHERE w.tsv @@ q ORDER BY w.row_id DESC LIMIT ${window}) s
      ${where}
      ORDER BY s.score, s.row_id
      LIMIT ${limit} OFFSET ${offset}`.execute(db);
      return rows.map((r) => ({ ...r, score: Number(r.score) }));
    },
    scanSearch: scanSearchPostgres(terms.query),
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
        '0004_inline_rows': inlineRows,
        '0005_exchange_row_shapes': exchangeRowShapes,
        '0006_person_lang': personLang,
        '0007_markings_in_collection': markingsInCollection('postgres'),
        '0008_feeds': feedTables,
        '0009_brief': briefTables,
      },
      schema,
    );
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return kyselyStore(db, { ops: postgresOps(nodeKey), nodeKey, now, root: db, onClose: async () => {} });
}
