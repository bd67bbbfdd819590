import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { exchangeRowShapes } from '../migrations.js';

/**
 * Migration 0005's step over a SQLite store's file, as a node upgraded from an earlier version runs it when its
 * store opens: exchange rows in the shapes that version wrote are rewritten in today's. Through a second
 * connection (as the store's own: secure_delete on, R27), so the node over the store may stay open; its
 * exchange reads rows from the database each time.
 */
export async function upgradeExchangeRows(sqlitePath: string): Promise<void> {
  const raw = new SqliteDatabase(sqlitePath);
  raw.pragma('secure_delete = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    await exchangeRowShapes.up(db);
  } finally {
    await db.destroy();
  }
}
