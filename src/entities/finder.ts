import { Automaton } from './automaton.js';

export type EntityKind = 'person' | 'organisation' | 'place' | 'country';
export type NameLang = 'ko' | 'ja' | 'en';

/** One thing the gazetteer knows: its names in each language, and where it is. */
export interface GazetteerEntry {
  id: string;
  kind: EntityKind;
  /** ISO 3166-1 alpha-2; absent for a place whose name is disputed. */
  country?: string;
  lat?: number;
  lon?: number;
  /** Every name it is written as, per language (the first is the usual one). */
  names: Partial<Record<NameLang, string[]>>;
  /** A disputed place: the name each party uses, in each language. */
  partyNames?: Record<string, Record<NameLang, string>>;
  /** Longer names that contain one of its names and mean something else (竹島町 is a town in Aichi). */
  exclude?: string[];
  /**
   * Names of its that are ordinary words too often to be looked for (수단 is 'means' as well as Sudan, Georgia
   * a US state as well as a country): they still name it, and are never found.
   */
  unsought?: string[];
  /** Names of its found only in the letter case written here (Turkey the country, not turkey the bird). */
  cased?: string[];
}

/** A name found in a text: UTF-16 offsets into the text as given, `end` exclusive. */
export interface Mention {
  entry: GazetteerEntry;
  start: number;
  end: number;
}

/** What may follow a Korean name inside its word: the particles (독도에서, 독도는, 동해상으로 …). */
const KOREAN_PARTICLES = new Set([
  '은',
  '는',
  '이',
  '가',
  '을',
  '를',
  '의',
  '에',
  '에서',
  '에게',
  '께',
  '께서',
  '으로',
  '로',
  '와',
  '과',
  '도',
  '만',
  '까지',
  '부터',
  '보다',
  '처럼',
  '이나',
  '나',
  '이며',
  '며',
  '이다',
  '이고',
  '상',
  '상으로',
  '상에서',
  '측',
  '측은',
  '측이',
  '측의',
  '간',
  '간의',
  '과의',
  '와의',
  '에서는',
  '에는',
  '으로는',
  '로는',
  '에서도',
  '에도',
  '이라고',
  '라고',
]);
/** What may follow an English name inside its word. */
const ENGLISH_ENDINGS = new Set(["'s", '’s', "'", '’']);

const HANGUL = /\p{Script=Hangul}/u;
const LATIN = /\p{Script=Latin}/u;
/** What continues a word: a letter, a mark or a digit of any script. */
const WORDISH = /[\p{L}\p{M}\p{N}]/u;
/** Katakana and its long-vowel mark (ー is of no script): a katakana word runs on through them. */
const KATAKANA = /[\p{Script=Katakana}\u30FC\uFF70]/u;

function isHangul(cp: number): boolean {
  return (cp >= 0xac00 && cp <= 0xd7a3) || HANGUL.test(String.fromCodePoint(cp));
}

function isLatin(cp: number): boolean {
  return (
    (cp >= 0x41 && cp <= 0x5a) ||
    (cp >= 0x61 && cp <= 0x7a) ||
    (cp >= 0xc0 && LATIN.test(String.fromCodePoint(cp)))
  );
}

/** The code point before `i` (UTF-16), or undefined at the start. */
function before(text: string, i: number): string | undefined {
  if (i === 0) return undefined;
  const low = text.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text[i - 1];
}

/**
 * Whether a Latin or Hangul name stands as a whole word: no letter runs on before it, and what runs on after
 * it inside the word is nothing, a Korean particle (독도에서) or an English possessive (Korea's). Word edges
 * by letter classes, as Unicode's word boundaries have them for these two scripts (Intl.Segmenter gave the
 * same edges at 20 times the cost); Japanese and Chinese names, written without spaces, match where they stand.
 */
function isWord(text: string, start: number, end: number, hangul: boolean): boolean {
  const prev = before(text, start);
  if (
    prev !== undefined &&
    (hangul
      ? HANGUL.test(prev)
      : WORDISH.test(prev) &&
        !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(prev))
  ) {
    return false;
  }
  let stop = end;
  while (stop < text.length) {
    const ch = String.fromCodePoint(text.codePointAt(stop)!);
    const continues = hangul
      ? HANGUL.test(ch)
      : (WORDISH.test(ch) && LATIN.test(ch)) || /\p{N}/u.test(ch) || ch === "'" || ch === '’';
    if (!continues) break;
    stop += ch.length;
  }
  if (stop === end) return true;
  const rest = text.slice(end, stop);
  return hangul ? KOREAN_PARTICLES.has(rest) : ENGLISH_ENDINGS.has(rest);
}

/**
 * Whether a name that begins or ends in katakana stands whole in its katakana word: ハワイ not inside ハワイアン,
 * マリ not inside マリン, インド not inside インドネシア (a middle dot ・ or any other script parts them).
 */
function isKatakanaWord(text: string, start: number, end: number): boolean {
  const first = text.codePointAt(start)!;
  if (first >= 0x30a0 && first <= 0x30ff && start > 0 && KATAKANA.test(before(text, start)!)) return false;
  const last = before(text, end)!;
  if (!KATAKANA.test(last) || end >= text.length) return true;
  return !KATAKANA.test(String.fromCodePoint(text.codePointAt(end)!));
}

const folded = new Map<string, string>();

/** NFKC and lower case of one code point (cached: a text repeats its characters). */
function fold(ch: string): string {
  let f = folded.get(ch);
  if (f === undefined) {
    f = ch.normalize('NFKC').toLowerCase();
    if (folded.size < 100_000) folded.set(ch, f);
  }
  return f;
}

/** NFKC and lower case, per code point, with the offset in `text` of every unit of the result. */
function normalise(text: string): { norm: string; at: Int32Array } {
  const parts: string[] = [];
  const at = new Int32Array(text.length * 3 + 1);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      // ASCII: NFKC leaves it, lower case is one step.
      parts.push(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]!);
      at[n++] = i;
      i += 1;
      continue;
    }
    const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
    const f = fold(text.slice(i, i + width));
    parts.push(f);
    for (let k = 0; k < f.length; k++) at[n++] = i;
    i += width;
  }
  at[n] = text.length;
  return { norm: parts.join(''), at: at.subarray(0, n + 1) };
}

function key(name: string): string {
  return normalise(name).norm;
}

/** A name the automaton looks for: its entry, and the name itself when only its own letter case counts. */
interface Sought {
  entry: GazetteerEntry;
  cased?: string;
}

/**
 * Finds the gazetteer's names in a text in any of the three languages: NFKC-normalised, case-blind (but for
 * an entry's `cased` names), in one Aho–Corasick pass; a Latin or Hangul name only as a whole word (a Korean
 * particle or an English possessive may follow inside the word), a katakana one not inside a longer katakana
 * word, a name inside a longer one the entry excludes never, an `unsought` name never, and where names overlap
 * the longest first one.
 */
export class EntityFinder {
  private readonly automaton = new Automaton<Sought>();

  constructor(readonly entries: readonly GazetteerEntry[]) {
    for (const entry of entries) {
      const unsought = new Set(entry.unsought ?? []);
      const cased = new Set(entry.cased ?? []);
      for (const list of Object.values(entry.names))
        for (const name of list ?? []) {
          if (unsought.has(name)) continue;
          this.automaton.add(
            key(name),
            cased.has(name) ? { entry, cased: name.normalize('NFKC') } : { entry },
          );
        }
    }
    this.automaton.build();
  }

  find(text: string): Mention[] {
    return keepLongest([...this.named(text), ...titledPeople(text)]);
  }

  /** The gazetteer's names in the text. */
  private named(text: string): Mention[] {
    const { norm, at } = normalise(text);
    const found: Mention[] = [];
    for (const m of this.automaton.matches(norm)) {
      const start = at[m.start]!;
      const end = at[m.end]!;
      if (end <= start) continue;
      const { entry, cased } = m.value;
      const first = text.codePointAt(start)!;
      const hangul = isHangul(first);
      if ((hangul || isLatin(first)) && !isWord(text, start, end, hangul)) continue;
      if (!isKatakanaWord(text, start, end)) continue;
      if (cased !== undefined && text.slice(start, end).normalize('NFKC') !== cased) continue;
      if (this.excluded(text, entry, start, end)) continue;
      found.push({ entry, start, end });
    }
    return found;
  }

  private excluded(text: string, entry: GazetteerEntry, start: number, end: number): boolean {
    for (const longer of entry.exclude ?? []) {
      let from = Math.max(0, end - longer.length);
      for (;;) {
        const i = text.indexOf(longer, from);
        if (i < 0 || i > start) break;
        if (i + longer.length >= end) return true;
        from = i + 1;
      }
    }
    return false;
  }
}

/** Of overlapping mentions the longest (the gazetteer's before a title's at equal length), left to right. */
function keepLongest(found: Mention[]): Mention[] {
  const titled = (m: Mention) => (m.entry.id.startsWith('person:') ? 1 : 0);
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || titled(a) - titled(b));
  const out: Mention[] = [];
  let until = -1;
  for (const f of found) {
    if (f.start < until) continue;
    out.push(f);
    until = f.end;
  }
  return out;
}

/**
 * People the gazetteer does not know, found by their title: `Ambassador Jane Doe`, `홍길동 대사`, `山田太郎首相`,
 * `スミス長官`. Words that name an office rather than a person (국방부 장관, 防衛大臣) are not taken.
 */
const TITLED: { pattern: RegExp; lang: NameLang }[] = [
  {
    pattern:
      /\b(?:President|Vice President|Prime Minister|Minister|Ambassador|General|Gen\.|Admiral|Adm\.|Secretary|Spokesman|Spokeswoman|Spokesperson|Chairman|Chairwoman|Senator|Governor)\s+((?:[A-Z][a-z]+(?:-[a-z]+)?)(?:\s+[A-Z][a-z]+(?:-[a-z]+)?){1,2})/gu,
    lang: 'en',
  },
  {
    pattern:
      /(?<![가-힣])([가-힣]{2,4})\s?(?:대통령|총리|장관|대사|대변인|위원장|사령관|총비서|국무위원장|의장)/gu,
    lang: 'ko',
  },
  { pattern: /(?<![\p{Script=Han}])(\p{Script=Han}{2,4})(?:首相|大使|報道官|総書記|大統領)/gu, lang: 'ja' },
  { pattern: /([\p{Script=Katakana}ー・]{2,16})(?:大統領|国務長官|国防長官|長官|大使|報道官)/gu, lang: 'ja' },
];
/** Words before a title that name an office, a ministry or a country, not a person. */
const OFFICES =
  /(?:부|처|청|실|원|국|군|측|외교|국방|통일|외무|국무|방위|주한|주일|주미|한국|일본|미국|북한|중국|省|庁|部|防衛|外務|国防|官房|総理|内閣|国務|統合|韓国|日本|米国|北朝鮮|中国|駐日|駐韓|駐米|副)$/u;
const NOT_NAMES = new Set(['The', 'Then', 'This', 'That', 'Defense', 'Foreign', 'State']);

function titledPeople(text: string): Mention[] {
  const out: Mention[] = [];
  for (const { pattern, lang } of TITLED) {
    for (const m of text.matchAll(pattern)) {
      const name = m[1]!;
      if (OFFICES.test(name) || NOT_NAMES.has(name.split(/\s+/)[0]!)) continue;
      const start = m.index + m[0].indexOf(name);
      out.push({
        entry: { id: `person:${name}`, kind: 'person', names: { [lang]: [name] } },
        start,
        end: start + name.length,
      });
    }
  }
  return out;
}

/** The name a reader of `party` uses for an entry, in `lang` (a disputed place: their party's own name). */
export function nameFor(entry: GazetteerEntry, party: string, lang: NameLang): string {
  return (
    entry.partyNames?.[party]?.[lang] ??
    entry.names[lang]?.[0] ??
    // a person known only as written in one language is named as written
    entry.names.en?.[0] ??
    entry.names.ko?.[0] ??
    entry.names.ja?.[0] ??
    entry.id
  );
}
