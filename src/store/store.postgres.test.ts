import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { newDataKey } from '../keys/index.js';
import { openStore } from './open-store.js';
import { type StoreHarness, storeSuite } from './test-support/store.suite.js';

const url = process.env.RELTO_PG_URL;

// Without a PostgreSQL to talk to (RELTO_PG_URL unset) these tests cannot run; CI (.ci/run) always sets it.
if (!url) console.warn('RELTO_PG_URL not set: PostgreSQL store tests skipped');

let n = 0;

/** A fresh schema per test, dropped afterwards, so tests never see each other's rows. */
function harness(): StoreHarness & { schema: string } {
  const schema = `relto_test_${process.pid}_${Date.now()}_${n++}`;
  const nodeKey = newDataKey();
  return {
    schema,
    open: (o = {}) =>
      openStore({
        pgUrl: url!,
        pgSchema: schema,
        nodeKey: o.nodeKey ?? nodeKey,
        ...(o.now ? { now: o.now } : {}),
      }),
    cleanup: () => sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => {}),
  };
}

async function sql(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

describe.skipIf(!url)('PostgreSQL', () => {
  storeSuite('PostgreSQL', async () => harness());

  it('keeps no word of indexed text in the database, only keyed term hashes (R27)', async () => {
    const h = harness();
    const store = await h.open();
    try {
      const floor = 'marking-definition--00000000-0000-4000-8000-0000000000aa';
      await store.putObjects([
        {
          object: {
            type: 'note',
            spec_version: '2.1',
            id: 'note--00000000-0000-4000-8000-000000000001',
            created: '2026-01-01T00:00:00.000Z',
            content: 'x',
            object_marking_refs: [floor],
          },
          floor,
          index: [{ markingId: floor, text: 'Sinpo shipyard quuxmarker' }],
        },
      ]);
      expect((await store.search({ text: 'QUUXMARKER sinpo' })).map((hit) => hit.id)).toEqual([
        'note--00000000-0000-4000-8000-000000000001',
      ]);
      const { rows } = await sql(`SELECT tsv::text AS t FROM "${h.schema}".search_rows`);
      expect(rows.length).toBe(1);
      expect(rows[0].t).not.toMatch(/quuxmarker|sinpo|shipyard/);
    } finally {
      await store.close();
      await h.cleanup();
    }
  });
});
