import { createHmac, hkdfSync } from 'node:crypto';

const CACHE_LIMIT = 200_000;

/** Index terms of a text: letters and digits, NFKC, lower case (the same split as `queryWords`). */
export function textTerms(text: string): string[] {
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
  const cache = new Map<string, string>();
  const term = (word: string): string => {
    let hashed = cache.get(word);
    if (hashed === undefined) {
      // 'h' + 128 bits in hex: one lexeme for PostgreSQL's parser, whatever the digits.
      hashed = `h${createHmac('sha256', key).update(word).digest('hex').slice(0, 32)}`;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(word, hashed);
    }
    return hashed;
  };
  return {
    text: (text) => textTerms(text).map(term).join(' '),
    words: (words) => words.map(term).join(' '),
    vector: (text) => vectorBytes(textTerms(text).map(term)),
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
  const positions = new Map<string, number[]>();
  let at = 0;
  let size = 4;
  for (const t of terms) {
    if (at < LAST_POSITION) at++;
    const list = positions.get(t);
    if (list === undefined) {
      positions.set(t, [at]);
      size += Buffer.byteLength(t) + 5;
    } else if (list.length < MAX_POSITIONS && list[list.length - 1] !== at) {
      list.push(at);
      size += 2;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.writeInt32BE(positions.size, 0);
  for (const [t, list] of positions) {
    o += out.write(t, o, 'utf8');
    out[o++] = 0;
    o = out.writeUInt16BE(list.length, o);
    for (const p of list) o = out.writeUInt16BE(p, o);
  }
  return out;
}
