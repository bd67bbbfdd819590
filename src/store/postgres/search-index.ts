import type { Migration } from 'kysely';
import { exec } from '../migrations.js';

/** 0002 (PostgreSQL): a tsvector of keyed term hashes per search row (no words kept) and its GIN index. */
export const searchIndexPostgres: Migration = {
  async up(db) {
    await exec(db, 'ALTER TABLE search_rows ADD COLUMN tsv tsvector NOT NULL');
    await exec(db, 'CREATE INDEX search_rows_tsv ON search_rows USING GIN (tsv)');
  },
};
