import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { newDataKey } from '../../keys/index.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

export const PG = process.env.RELTO_PG_URL;

/** A store to write rows in, and the same database opened bare, to run a migration over them again. */
export interface Harness {
  open(): Promise<Store>;
  bare(): Kysely<unknown>;
  cleanup(): Promise<void>;
}

export function sqlite(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'relto-row-shapes-'));
  const path = join(dir, 'relto.db');
  const nodeKey = newDataKey();
  return {
    open: () => openStore({ sqlitePath: path, nodeKey }),
    bare: () => new Kysely({ dialect: new SqliteDialect({ database: new SqliteDatabase(path) }) }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgres(): Harness {
  const schema = `relto_shapes_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const nodeKey = newDataKey();
  return {
    open: () => openStore({ pgUrl: PG!, pgSchema: schema, nodeKey }),
    bare: () =>
      new Kysely({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: PG!, options: `-c search_path=${schema}` }),
        }),
      }),
    cleanup: async () => {},
  };
}
