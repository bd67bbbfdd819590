import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type SqliteDatabase as SqliteConnectionLike, SqliteDialect, sql } from 'kysely';
import { ReltoError } from '../../errors/index.js';
import type { DialectOps } from '../context.js';
import type { Database } from '../database.js';
import { exchangeTable } from '../exchange-table.js';
import { kyselyStore } from '../kysely-store.js';
import {
  briefTables,
  coreTables,
  exchangeRowShapes,
  feedTables,
  markingsInCollection,
  migrate,
  personLang,
} from '../migrations.js';
import type { SearchHit, Store } from '../store.js';
import { type Checkpointer, FALLBACK_AUTOCHECKPOINT, startCheckpointer } from './checkpointer.js';
import { searchIndexSqlite } from './search-index.js';
import { ftsQuery, ftsText, scanSearchSqlite } from './search-scan.js';
import { cjkSearchTerms } from './search-terms.js';

/** Rows in one commit from which checkpoints move to their own thread (see checkpointer.ts). */
const BULK_ROWS = 1000;

/**
 * `checkpoints`: the database file's path, to start background checkpoints once `written` (versions written
 * by this connection) reaches BULK_ROWS.
 */
function sqliteOps(
  raw: SqliteDatabase.Database,
  checkpoints: { path: string | null; thread: Checkpointer | null; written: number },
): DialectOps {
  const statements = new Map<string, SqliteDatabase.Statement>();
  // better-sqlite3 binds Buffers, not bare Uint8Arrays.
  const bindable = (v: unknown) =>
    v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  // Rows go INSERT_ROWS to a statement (one call into SQLite per block instead of per row), the rest one by one.
  const INSERT_ROWS = 64;
  const statement = (table: string, columns: string[], rows: number) => {
    const key = `${table}(${columns.join(',')})x${rows}`;
    let stmt = statements.get(key);
    if (!stmt) {
      // Table and column names come from this module's code, never from input.
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      stmt = raw.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`,
      );
      statements.set(key, stmt);
    }
    return stmt;
  };
  const insertMany: DialectOps['insertMany'] = async (_db, table, rows) => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const width = columns.length;
    let from = 0;
    if (rows.length >= INSERT_ROWS) {
      const block = statement(table, columns, INSERT_ROWS);
      const args: unknown[] = new Array(INSERT_ROWS * width);
      for (; from + INSERT_ROWS <= rows.length; from += INSERT_ROWS) {
        for (let k = 0; k < INSERT_ROWS; k++) {
          const row = rows[from + k]!;
          for (let c = 0; c < width; c++) args[k * width + c] = bindable(row[columns[c]!]);
        }
        block.run(args);
      }
    }
    if (from < rows.length) {
      const one = statement(table, columns, 1);
      for (; from < rows.length; from++) {
        const row = rows[from]!;
        one.run(columns.map((c) => bindable(row[c])));
      }
    }
  };
  // Audit rows go in AUDIT_ROWS to a statement: one call into SQLite per block instead of per row.
  const AUDIT_ROWS = 64;
  const auditInserts = new Map<number, SqliteDatabase.Statement>();
  const auditInsert = (rows: number) => {
    let stmt = auditInserts.get(rows);
    if (!stmt) {
      stmt = raw.prepare(
        `INSERT INTO audit_log (idx, leaf_hash, entry, appended_at) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(', ')}`,
      );
      auditInserts.set(rows, stmt);
    }
    return stmt;
  };
  return {
    name: 'sqlite',
    greatest: 'max',
    sealsSearchText: true,
    pipelines: false,
    insertMany,
    async insertAudit(_db, first, at, entries) {
      for (let from = 0; from < entries.length; from += AUDIT_ROWS) {
        const n = Math.min(AUDIT_ROWS, entries.length - from);
        const args: unknown[] = new Array(n * 4);
        for (let k = 0; k < n; k++) {
          const e = entries[from + k]!;
          args[4 * k] = first + from + k;
          args[4 * k + 1] = bindable(e.leafHash);
          args[4 * k + 2] = e.entry;
          args[4 * k + 3] = at;
        }
        auditInsert(n).run(args);
      }
    },
    async insertSearch(db, rows) {
      await insertMany(
        db,
        'search_rows',
        rows.map(({ text: _text, ...r }) => r),
      );
      await insertMany(
        db,
        'search_fts',
        rows.map((r) => ({ rowid: r.row_id, text: ftsText(r.text) })),
      );
    },
    async deleteSearchIndex(db, rows) {
      for (const r of rows) {
        if (r.text === null)
          throw new ReltoError('INTERNAL', `search row ${r.row_id} cannot be removed securely`);
        // The same terms as were indexed: FTS5 removes exactly the tokens it is given (R27).
        await sql`INSERT INTO search_fts(search_fts, rowid, text) VALUES('delete', ${r.row_id}, ${ftsText(r.text)})`.execute(
          db,
        );
      }
    },
    async search(db, words, filters, limit, offset, window) {
      const where = filters.length ? sql`WHERE ${sql.join(filters, sql` AND `)}` : sql``;
      // FTS5 walks matches newest first and computes bm25 only for the rows of the window.
      const { rows } = await sql<SearchHit>`
      SELECT s.object_id AS id, s.version AS version, s.marking_id AS "markingId", s.type AS type,
             s.originator AS originator, f.score AS score
      FROM (SELECT rowid, bm25(search_fts) AS score FROM search_fts WHERE search_fts MATCH ${ftsQuery(words)}
            ORDER BY rowid DESC LIMIT ${window}) f
      JOIN search_rows s ON s.row_id = f.rowid
      ${where}
      ORDER BY f.score, s.row_id
      LIMIT ${limit} OFFSET ${offset}`.execute(db);
      return rows;
    },
    scanSearch: scanSearchSqlite,
    async afterBulkInsert(_db, rows) {
      // SQLite's planner needs no statistics for these indexed range scans. Checkpoints move to their own
      // thread once this connection has written BULK_ROWS versions, in one commit or over many: a node
      // receiving a stream of 100-object messages paid SQLite's automatic checkpoint (and its fsyncs) inside
      // every tenth COMMIT.
      checkpoints.written += rows;
      if (checkpoints.written < BULK_ROWS || checkpoints.path === null || checkpoints.thread) return;
      checkpoints.thread = startCheckpointer(checkpoints.path);
      raw.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
    },
    async afterDestroy(db) {
      // R27: secure_delete zeroed the freed bytes and FTS5 secure-delete removed the terms; the WAL still holds
      // the old page images until it is checkpointed and truncated. A background checkpoint running at this
      // moment makes this one busy: try again until the whole WAL is copied back and truncated.
      for (let attempt = 0; ; attempt++) {
        const { rows } = await sql<{ busy: number; log: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(
          db,
        );
        if (rows[0]?.busy === 0 && rows[0].log <= 0) return;
        if (attempt >= 500)
          throw new ReltoError(
            'INTERNAL',
            'the WAL could not be truncated after a destruction, so erased content may remain on disk',
          );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/**
 * The connection Kysely is given: statements kept by their SQL (least recently used dropped past `size`).
 * Kysely prepares every query it runs, and better-sqlite3's prepare parses the SQL anew: a tenth of a busy
 * node's SQLite time went to parsing the same few dozen statements. A kept statement is never run twice at
 * once: Kysely holds the one connection for a whole query or stream.
 */
function keepingStatements(raw: SqliteDatabase.Database, size = 512): SqliteConnectionLike {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      let stmt = kept.get(text);
      if (stmt) {
        // Most recently used last, so the first key is the one to drop.
        kept.delete(text);
      } else {
        stmt = raw.prepare(text);
        if (kept.size >= size) kept.delete(kept.keys().next().value!);
      }
      kept.set(text, stmt);
      return stmt;
    },
  };
}

/** Opens (creating and migrating if needed) the SQLite store at `path`. */
export async function openSqliteStore(path: string, nodeKey: Uint8Array, now: () => number): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new SqliteDatabase(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('secure_delete = ON');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // Statement journals, sorts and transient indices in memory, never in /var/tmp: a big post's temporary
  // files cost megabytes of writes, and they would hold page images (search text in clear) outside the
  // store's files, where destruction (R27) cannot reach.
  raw.pragma('temp_store = MEMORY');
  // 64 MiB of page cache (SQLite's default is 2 MiB): a search reads index, search-row and version pages
  // scattered over the whole file, and re-reading them from the OS cost a third of a search's time.
  raw.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(raw) }) });
  try {
    await migrate(db as Kysely<unknown>, {
      '0001_core_tables': coreTables('sqlite'),
      '0002_search_index': searchIndexSqlite,
      '0003_exchange': exchangeTable('sqlite'),
      '0005_exchange_row_shapes': exchangeRowShapes,
      '0006_person_lang': personLang,
      '0007_markings_in_collection': markingsInCollection('sqlite'),
      '0008_feeds': feedTables,
      '0009_brief': briefTables,
      '0010_cjk_search_terms': cjkSearchTerms(nodeKey),
    });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const checkpoints = {
    path: path === ':memory:' ? null : path,
    thread: null as Checkpointer | null,
    written: 0,
  };
  return kyselyStore(db, {
    ops: sqliteOps(raw, checkpoints),
    nodeKey,
    now,
    root: db,
    onClose: async () => {
      await checkpoints.thread?.close();
    },
  });
}
