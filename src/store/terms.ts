/**
 * Index terms: the one rule that turns text into what the search indexes hold, used by both stores when they
 * index and delete, and by the query side, so the three can never disagree.
 *
 * Words are runs of letters and digits after NFKC and lower-casing. Han, Hiragana, Katakana and Hangul are
 * written without spaces between words (and Korean glues particles to them), so a run of those characters is
 * not one word: it becomes its characters and its overlapping bigrams, interleaved (c1, c1c2, c2, c2c3, …,
 * cn), as Lucene's CJK bigram filter with unigrams does. A word of two or more characters is then a phrase
 * of bigrams found wherever it stands in a run, and a single character is found as its unigram.
 */

// ASCII text is its own NFKC form, and its letters and digits are exactly [a-z0-9] once lower-cased.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, on purpose
const NON_ASCII = /[^\x00-\x7f]/;
const WORD = /[\p{L}\p{N}]+/gu;
// Script extensions, not scripts: the prolonged sound mark ー and the iteration mark 々 belong to the runs.
const CJK = /[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}]/u;
const PARTS =
  /[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}]+|[^\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}]+/gu;
// The letters and digits of those scripts (not their punctuation: 、 and 「 are Han and kana too).
const CJK_RUN = /(?:(?=[\p{L}\p{N}])[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}])+/gu;
const HAS_CJK_RUN = /(?=[\p{L}\p{N}])[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}]/u;

/** Queries look for at most this many distinct words. */
const QUERY_WORDS = 32;

/**
 * The terms of one word (letters and digits, already NFKC and lower case), appended to `out`. `phrase`: as a
 * query looks for it, without the unigrams at its two ends that the bigrams next to them imply (an indexed
 * bigram c1c2 always stands between c1 and c2), so a common character's long list is not read for nothing.
 */
function wordTerms(word: string, out: string[], phrase: boolean): void {
  if (!CJK.test(word)) {
    out.push(word);
    return;
  }
  const parts = word.match(PARTS)!;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (!CJK.test(part)) {
      out.push(part);
      continue;
    }
    // By code point: Han beyond the BMP is two UTF-16 units.
    const chars = Array.from(part);
    if (chars.length === 1) {
      out.push(part);
      continue;
    }
    const first = phrase && k === 0 ? 1 : 0;
    const last = phrase && k === parts.length - 1 ? chars.length - 1 : chars.length;
    for (let i = 0; i < chars.length; i++) {
      if (i >= first && i < last) out.push(chars[i]!);
      if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
    }
  }
}

/** Whether a text is ASCII only (its terms then are its [a-z0-9] runs, lower-cased). */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** The index terms of a text, in order (their positions are what phrases match). */
export function indexTerms(text: string): string[] {
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const out: string[] = [];
  for (const word of text.normalize('NFKC').toLowerCase().match(WORD) ?? []) wordTerms(word, out, false);
  return out;
}

/**
 * The text for an index that splits words itself (FTS5's unicode61): each CJK run (after NFKC) replaced by
 * its terms, space-separated, the rest left as it is, so the tokenizer finds exactly `indexTerms`' terms for
 * the runs and splits other words as it always has. A text without CJK comes back unchanged, so rows
 * indexed before runs were split still hold what this gives for their text.
 */
export function splitCjkRuns(text: string): string {
  if (isAscii(text)) return text;
  const nfkc = text.normalize('NFKC');
  if (!HAS_CJK_RUN.test(nfkc)) return text;
  return nfkc.replace(CJK_RUN, (run) => {
    const terms: string[] = [];
    wordTerms(run, terms, false);
    return ` ${terms.join(' ')} `;
  });
}

/** One word of a query: its terms, which must stand consecutively in one text, and the word itself. */
export interface QueryWord {
  word: string;
  terms: string[];
}

/** The words of a free-text query (at most 32, each once), split into terms by the rule texts are. */
export function queryWords(text: string): QueryWord[] {
  const words = [...new Set(text.normalize('NFKC').toLowerCase().match(WORD) ?? [])].slice(0, QUERY_WORDS);
  return words.map((word) => {
    const terms: string[] = [];
    wordTerms(word, terms, true);
    return { word, terms };
  });
}

/** Whether a text holds every word of a query, as the indexes match it (each word's terms consecutively). */
export function textHolds(text: string, words: readonly QueryWord[]): boolean {
  const terms = indexTerms(text);
  return words.every(({ terms: phrase }) => {
    for (let at = terms.indexOf(phrase[0]!); at >= 0; at = terms.indexOf(phrase[0]!, at + 1)) {
      if (phrase.every((t, k) => terms[at + k] === t)) return true;
    }
    return false;
  });
}
