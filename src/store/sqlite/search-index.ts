import type { Migration } from 'kysely';
import { exec } from '../migrations.js';

/**
 * 0002 (SQLite): a contentless FTS5 index, so the text itself is never stored (only the index terms), with
 * contentless_delete so destroyed items' rows can be removed, and FTS5 secure-delete so removed terms are
 * erased from the index pages at once rather than left until a merge (R27).
 */
export const searchIndexSqlite: Migration = {
  async up(db) {
    await exec(
      db,
      `CREATE VIRTUAL TABLE search_fts USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
    );
    await exec(db, `INSERT INTO search_fts(search_fts, rank) VALUES('secure-delete', 1)`);
  },
};
