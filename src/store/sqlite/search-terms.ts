import { type Kysely, type Migration, sql } from 'kysely';
import { unwrapMany } from '../../keys/index.js';
import type { Database } from '../database.js';
import { searchRowTexts } from '../sealed-content.js';
import { ftsText } from './search-scan.js';

/** Set once every row is indexed by today's terms, so running 0010 again never re-indexes a row twice. */
const DONE_KEY = 'search_terms';
const DONE_VALUE = 'cjk-bigrams';

// Items whose keys are unwrapped together (one key-wrap pass for the lot).
const ITEMS_PER_PASS = 500;

/**
 * 0010 (SQLite): rows indexed before CJK runs were split into bigrams, indexed again by today's terms. A
 * contentless FTS5 table deletes only the tokens it is given, so every row must hold exactly what `ftsText`
 * gives for its text, or destruction would leave the old tokens behind (R27). Each row's text is opened
 * with its item's data key and its old tokens deleted with the text as it was given then (FTS5
 * secure-delete erases them), its new terms inserted. Rows without CJK text are left alone: `ftsText` gives
 * them their text unchanged.
 */
export function cjkSearchTerms(nodeKey: Uint8Array): Migration {
  return {
    async up(raw: Kysely<unknown>): Promise<void> {
      const db = raw as Kysely<Database>;
      const done = await db.selectFrom('meta').select('value').where('key', '=', DONE_KEY).executeTakeFirst();
      if (done?.value === DONE_VALUE) return;
      let after = '';
      for (;;) {
        // Only items with rows to index: a destroyed item has no key and no rows.
        const items = await db
          .selectFrom('items')
          .select(['id', 'wrapped_key'])
          .where('id', '>', after)
          .where('wrapped_key', 'is not', null)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('search_rows')
                .select('search_rows.row_id')
                .whereRef('search_rows.object_id', '=', 'items.id'),
            ),
          )
          .orderBy('id')
          .limit(ITEMS_PER_PASS)
          .execute();
        if (items.length === 0) break;
        after = items[items.length - 1]!.id;
        const keys = unwrapMany(
          nodeKey,
          items.map((i) => ({ wrapped: i.wrapped_key!, itemId: i.id })),
        );
        for (const [k, item] of items.entries()) {
          for (const { row_id, text } of await searchRowTexts(db, item.id, keys[k]!)) {
            // A row whose text cannot be opened keeps its tokens (its destruction refuses, as before).
            if (text === null) continue;
            const terms = ftsText(text);
            if (terms === text) continue;
            await sql`INSERT INTO search_fts(search_fts, rowid, text) VALUES('delete', ${row_id}, ${text})`.execute(
              db,
            );
            await sql`INSERT INTO search_fts(rowid, text) VALUES(${row_id}, ${terms})`.execute(db);
          }
        }
      }
      await db
        .insertInto('meta')
        .values({ key: DONE_KEY, value: DONE_VALUE })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: DONE_VALUE }))
        .execute();
    },
  };
}
