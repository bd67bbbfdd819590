import { createHmac, hkdfSync } from 'node:crypto';
import { indexTerms, type QueryWord } from '../terms.js';

const CACHE_LIMIT = 200_000;

/**
 * Keyed hashes of index terms, so PostgreSQL's tsvectors, GIN pages, WAL and dead tuples never hold the words
 * of classified text: PostgreSQL does not scrub freed space, and GIN never drops a key, so plaintext terms of
 * a destroyed item would stay in its files (R27). The key derives from the node key; equal words give equal
 * terms, so ranking and AND queries work unchanged.
 */
export function termHasher(nodeKey: Uint8Array): {
  text(text: string): string;
  query(words: readonly QueryWord[]): string;
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
    text: (text) => rowTerms(text).map(term).join(' '),
    query: (words) => words.map((w) => wordQuery(w, term)).join(' & '),
    vector: (text) => vectorOf(rowTerms(text), hashed),
  };
}

/**
 * Added to a row's terms when its vector cannot keep every position (PostgreSQL's limits below): phrases are
 * then matched there as all their terms anywhere in the row, so a long text never loses a hit. Not a word
 * (no word holds a NUL), and hashed like one.
 */
const POSITIONS_LOST = '\0positions lost';

/** A row's index terms, and POSITIONS_LOST last when the vector will not hold all their positions. */
function rowTerms(text: string): string[] {
  const terms = indexTerms(text);
  if (terms.length >= LAST_POSITION - 1) return [...terms, POSITIONS_LOST];
  if (terms.length > MAX_POSITIONS) {
    const seen = new Map<string, number>();
    for (const t of terms) {
      const n = (seen.get(t) ?? 0) + 1;
      if (n > MAX_POSITIONS) return [...terms, POSITIONS_LOST];
      seen.set(t, n);
    }
  }
  return terms;
}

/**
 * One query word as a tsquery over hashed terms: its terms next to each other (`<->`), or, in a row whose
 * positions were cut, all of them anywhere. A CJK word also matches its whole run as one term, the way rows
 * indexed before runs were split into bigrams hold it (those rows cannot be re-indexed: PostgreSQL keeps no
 * text to index again).
 */
function wordQuery({ word, terms }: QueryWord, term: (word: string) => string): string {
  const hashed = terms.map(term);
  let q = hashed[0]!;
  if (hashed.length > 1) q = `(${hashed.join(' <-> ')}) | (${hashed.join(' & ')} & ${term(POSITIONS_LOST)})`;
  if (terms.length !== 1 || terms[0] !== word) q = `${q} | ${term(word)}`;
  return `(${q})`;
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
