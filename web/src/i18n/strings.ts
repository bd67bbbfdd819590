/** The languages of the workspace: every string exists in each (a test fails on a missing key). */
export const LANGS = ['ko', 'ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** A nested table of strings; `{{name}}` interpolates. */
export interface StringTree {
  [key: string]: string | StringTree;
}

/** One namespace's strings in every language: each screen owns one, in its own folder (`strings.ts`). */
export type Strings = Record<Lang, StringTree>;

/** Each language's own name, shown in the language chooser in its own script. */
export const LANG_NAMES: Record<Lang, string> = { ko: '한국어', ja: '日本語', en: 'English' };

/** The node's party's language, the default when the person has chosen none. */
export const PARTY_LANG: Record<string, Lang> = { KOR: 'ko', JPN: 'ja', USA: 'en' };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}
