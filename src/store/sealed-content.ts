import type { Kysely } from 'kysely';
import { open } from '../keys/index.js';
import type { Database } from './database.js';

/** Placeholder for a column filled later in the same write (a wrapped key, a sealed content). */
export const EMPTY = new Uint8Array(0);

/**
 * SQLite: a version's sealed content is its JSON, then a newline, then the JSON list of its search-row texts
 * (in row order), so one AEAD operation per version covers both and destruction can still issue FTS5's
 * 'delete' with the exact text (R27). JSON.stringify never writes a raw newline, so the first one splits.
 * Versions stored before this carry only the JSON (and their texts sealed in search_rows.sealed_text).
 */
export function sealedPlaintext(objectJson: string, texts: string[] | undefined): string | string[] {
  return texts && texts.length > 0 ? [objectJson, '\n', JSON.stringify(texts)] : objectJson;
}

/** A version's opened content: its object JSON and its search-row texts (none for older versions). */
export function splitSealed(plain: Buffer): { json: string; texts: string[] } {
  const nl = plain.indexOf(0x0a);
  if (nl < 0) return { json: plain.toString('utf8'), texts: [] };
  return {
    json: plain.toString('utf8', 0, nl),
    texts: JSON.parse(plain.toString('utf8', nl + 1)) as string[],
  };
}

/** The object JSON of a version's opened content (without the search-row texts sealed after it). */
export function contentJson(plain: Buffer): string {
  const nl = plain.indexOf(0x0a);
  return nl < 0 ? plain.toString('utf8') : plain.toString('utf8', 0, nl);
}

/**
 * SQLite: the text of each search row of item `id` (null where it cannot be opened: no key, or nothing
 * sealed), in row id order, opened with the item's data key `key`: sealed in the row itself (older
 * versions) or after the JSON of its version's content, in row order per version.
 */
export async function searchRowTexts(
  db: Kysely<Database>,
  id: string,
  key: Uint8Array | null,
): Promise<{ row_id: number; text: string | null }[]> {
  const found = await db
    .selectFrom('search_rows')
    .select(['row_id', 'version', 'sealed_text'])
    .where('object_id', '=', id)
    .orderBy('row_id')
    .execute();
  const inContent = new Map<string, string[]>();
  if (key && found.some((r) => !r.sealed_text)) {
    const versions = await db
      .selectFrom('object_versions')
      .select(['version', 'content'])
      .where('id', '=', id)
      .execute();
    for (const v of versions) {
      if (v.content) inContent.set(v.version, splitSealed(open(key, v.content, `${id}\n${v.version}`)).texts);
    }
  }
  const taken = new Map<string, number>();
  return found.map((r) => {
    const row_id = Number(r.row_id);
    if (!key) return { row_id, text: null };
    if (r.sealed_text)
      return { row_id, text: open(key, r.sealed_text, `${id}\nsearch\n${row_id}`).toString('utf8') };
    const at = taken.get(r.version) ?? 0;
    taken.set(r.version, at + 1);
    return { row_id, text: inContent.get(r.version)?.[at] ?? null };
  });
}
