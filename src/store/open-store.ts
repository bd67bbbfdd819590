import { ReltoError } from '../errors/index.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store, StoreOptions } from './store.js';

/**
 * Opens the node's store and runs pending migrations.
 * @example const store = await openStore({ sqlitePath: join(dataDir, 'relto.db'), nodeKey });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.nodeKey.length !== 32) throw new ReltoError('INTERNAL', 'the node key must be 32 bytes');
  const now = options.now ?? Date.now;
  if ('pgUrl' in options) return openPostgresStore(options.pgUrl, options.nodeKey, now, options.pgSchema);
  return openSqliteStore(options.sqlitePath, options.nodeKey, now);
}
