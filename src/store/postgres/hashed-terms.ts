import { createHmac, hkdfSync } from 'node:crypto';

const CACHE_LIMIT = 200_000;

// ASCII text is its own NFKC form, and its letters and digits are exactly [a-z0-9] once lower-cased.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, on purpose
const NON_ASCII = /[^\x00-\x7f]/;

/** Index terms of a text: letters and digits, NFKC, lower case (the same split as `queryWords`). */
export function textTerms(text: string): string[] {
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/**
 * Keyed hashes of index terms, so PostgreSQL's tsvectors, GIN pages, WAL and dead tuples never hold the words
 * of classified text: PostgreSQL does not scrub freed space, and GIN never drops a key, so plaintext terms of
 * a destroyed item would stay in its files (R27). The key derives from the node key; equal words give equal
 * terms, so ranking and AND queries work unchanged.
 */
export function termHasher(nodeKey: Uint8Array): {
  text(text: string): string;
  words(words: string[]): string;
  vector(text: string): Buffer;
} {
  const key = Buffer.from(hkdfSync('sha256', nodeKey, Buffer.alloc(0), 'relto search terms', 32));
  // A hashed term is 'h' + 128 bits in hex (one lexeme for PostgreSQL's parser, whatever the digits), kept
  // also as its bytes, which vectors are assembled from without encoding each term again.
  const cache = new Map<string, { text: string; bytes: Buffer }>();
  const hashed = (word: string) => {
    let h = cache.get(word);
    if (h === undefined) {
      const text = `h${createHmac('sha256', key).update(word).digest('hex').slice(0, 32)}`;
      h = { text, bytes: Buffer.from(text, 'latin1') };
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(word, h);
    }
    return h;
  };
  const term = (word: string): string => hashed(word).text;
  return {
    text: (text) => textTerms(text).map(term).join(' '),
    words: (words) => words.map(term).join(' '),
    vector: (text) => vectorOf(textTerms(text), hashed),
  };
}

// tsvector limits (PostgreSQL's ts_type.h): positions run up to MAXENTRYPOS − 1, a lexeme keeps at most
// MAXNUMPOS − 1 of them.
const LAST_POSITION = 16_383;
const MAX_POSITIONS = 255;

/**
 * `to_tsvector('simple', terms.join(' '))` in tsvector's binary wire format (tsvectorsend), bound as a
 * parameter: PostgreSQL then neither runs its text parser over every hashed term nor parses a vector literal
 * (the two were most of a post's time in the server). Positions as to_tsvector gives them: the n-th term is
 * at n (capped at the last position), each lexeme keeps its first 255 distinct positions, weight D.
 * Layout: int32 lexeme count, then per lexeme its bytes, a NUL, uint16 position count and uint16 positions.
 */
export function vectorBytes(terms: readonly string[]): Buffer {
  return vectorOf(terms, (t) => ({ bytes: Buffer.from(t, 'utf8') }));
}

/**
 * vectorBytes of the terms `lexeme` gives for `words`, asked once per distinct word (distinct words give
 * distinct terms: the hashes are 128 bits).
 */
function vectorOf(words: readonly string[], lexeme: (word: string) => { bytes: Buffer }): Buffer {
  const positions = new Map<string, number[]>();
  let at = 0;
  let size = 4;
  for (const w of words) {
    if (at < LAST_POSITION) at++;
    const list = positions.get(w);
    if (list === undefined) positions.set(w, [at]);
    else if (list.length < MAX_POSITIONS && list[list.length - 1] !== at) {
      list.push(at);
      size += 2;
    }
  }
  const lexemes: Buffer[] = [];
  for (const w of positions.keys()) {
    const b = lexeme(w).bytes;
    lexemes.push(b);
    size += b.length + 5;
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.writeInt32BE(positions.size, 0);
  let k = 0;
  for (const list of positions.values()) {
    const b = lexemes[k++]!;
    out.set(b, o);
    o += b.length;
    out[o++] = 0;
    out[o++] = list.length >> 8;
    out[o++] = list.length & 0xff;
    for (const p of list) {
      out[o++] = p >> 8;
      out[o++] = p & 0xff;
    }
  }
  return out;
}
