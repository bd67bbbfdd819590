import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDataKey } from '../keys/index.js';
import { openStore } from './open-store.js';
import { type StoreHarness, storeSuite } from './test-support/store.suite.js';

storeSuite('SQLite', async (): Promise<StoreHarness> => {
  const dir = mkdtempSync(join(tmpdir(), 'relto-store-'));
  const nodeKey = newDataKey();
  return {
    open: (o = {}) =>
      openStore({
        sqlitePath: join(dir, 'relto.db'),
        nodeKey: o.nodeKey ?? nodeKey,
        ...(o.now ? { now: o.now } : {}),
      }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
