import { describe, expect, it } from 'vitest';
import { namespaces } from './index.js';
import { LANGS, type StringTree } from './strings.js';

function keys(tree: StringTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`),
  );
}

describe('every string of the workspace exists in Korean, Japanese and English', () => {
  const all = namespaces();
  it('finds the common strings and every screen', () => {
    expect(Object.keys(all)).toContain('common');
    expect(Object.keys(all).length).toBeGreaterThan(10);
  });
  for (const [ns, strings] of Object.entries(all)) {
    it(`${ns}: the same keys in each language, none empty`, () => {
      const en = keys(strings.en).sort();
      expect(en.length).toBeGreaterThan(0);
      for (const lang of LANGS) {
        const these = keys(strings[lang]).sort();
        expect({ ns, lang, missing: en.filter((k) => !these.includes(k)) }).toEqual({
          ns,
          lang,
          missing: [],
        });
        expect({ ns, lang, extra: these.filter((k) => !en.includes(k)) }).toEqual({ ns, lang, extra: [] });
        for (const k of these) {
          const value = k
            .split('.')
            .reduce<StringTree | string>((t, part) => (t as StringTree)[part]!, strings[lang]);
          expect(typeof value === 'string' && value.trim().length > 0, `${ns}:${lang}:${k}`).toBe(true);
        }
      }
    });
  }
});
