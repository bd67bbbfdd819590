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
  };
}
