import type { Migration } from 'kysely';
import { exec } from '../migrations.js';

/**
 * 0002 (SQLite): a contentless FTS5 index, so the text itself is never stored in clear (only the index terms).
 * Each search row keeps its text sealed with the item's data key: destruction opens it one last time to issue
 * FTS5's 'delete' with the exact text, and with FTS5 secure-delete on, the terms are erased from the index
 * pages at once (R27). (contentless_delete=1 would only add tombstones and leave the terms on disk.)
 */
export const searchIndexSqlite: Migration = {
  async up(db) {
    await exec(db, 'ALTER TABLE search_rows ADD COLUMN sealed_text BLOB');
    await exec(
      db,
      `CREATE VIRTUAL TABLE search_fts USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2')`,
    );
    await exec(db, `INSERT INTO search_fts(search_fts, rank) VALUES('secure-delete', 1)`);
  },
};
