import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { PG, postgres, sqlite } from './test-support/bare.js';
import { LOW, report } from './test-support/fixtures.js';

const label = {
  type: 'marking-definition',
  spec_version: '2.1',
  id: LOW,
  created: '2026-01-01T00:00:00.000Z',
};

for (const [name, make] of [
  ['SQLite', sqlite],
  ...(PG ? ([['PostgreSQL', postgres]] as const) : []),
] as const) {
  describe(`migration 0007: marking-definitions as objects of the collection (${name})`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => cleanup?.());

    it('gives the definitions a store held before it a date_added after everything held, and their version', async () => {
      const h = make();
      let store: Store = await h.open();
      cleanup = async () => {
        await store.close();
        await h.cleanup();
      };
      await store.putMarkingDefinitions([{ definition: label, kind: 'relto-label' }]);
      await store.putObjects([report({})]);
      await store.close();
      // The store as the version before 0007 left it: no date_added, no version, 0007 not run.
      const db = h.bare();
      try {
        await sql`drop index marking_definitions_added`.execute(db);
        await sql`alter table marking_definitions drop column added`.execute(db);
        await sql`alter table marking_definitions drop column version`.execute(db);
        // and what came after it, so the migrator runs them in order again
        await sql`drop table mail_outbox`.execute(db);
        await sql`drop table brief_subscriptions`.execute(db);
        await sql`drop table feed_keys`.execute(db);
        await sql`drop table feeds`.execute(db);
        await sql`delete from relto_migrations where name >= '0007'`.execute(db);
      } finally {
        await db.destroy();
      }
      store = await h.open();
      const rows = (await store.fetchObjects({ withMarkings: true })).rows;
      expect(rows.map((r) => r.type)).toEqual(['report', 'marking-definition']);
      expect(rows[1]).toMatchObject({ id: LOW, version: '2026-01-01T00:00:00.000000000Z' });
      // what is stored next comes after both
      await store.putObjects([report({})]);
      const next = (await store.fetchObjects({ withMarkings: true, addedAfter: rows[1]!.dateAdded })).rows;
      expect(next.map((r) => r.type)).toEqual(['report']);
    });
  });
}
