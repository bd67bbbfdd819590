import pg from 'pg';
import { describe } from 'vitest';
import { newDataKey } from '../keys/index.js';
import { openStore } from './open-store.js';
import { type StoreHarness, storeSuite } from './store.suite.js';

const url = process.env.RELTO_PG_URL;

// Without a PostgreSQL to talk to (RELTO_PG_URL unset) these tests cannot run; CI (.ci/run) always sets it.
if (!url) console.warn('RELTO_PG_URL not set: PostgreSQL store tests skipped');

describe.skipIf(!url)('PostgreSQL', () => {
  let n = 0;
  storeSuite('PostgreSQL', async (): Promise<StoreHarness> => {
    // Each test gets its own schema, dropped afterwards, so tests never see each other's rows.
    const schema = `relto_test_${process.pid}_${Date.now()}_${n++}`;
    const nodeKey = newDataKey();
    return {
      open: (o = {}) =>
        openStore({
          pgUrl: url!,
          pgSchema: schema,
          nodeKey: o.nodeKey ?? nodeKey,
          ...(o.now ? { now: o.now } : {}),
        }),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  });
});
