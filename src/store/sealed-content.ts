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
