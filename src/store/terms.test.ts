import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexTerms, queryWords, textHolds } from './terms.js';

/** The rule before CJK runs were split: letters and digits, NFKC, lower case. */
const wordsRule = (t: string) =>
  t
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];
const CJK = /[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}]/u;

describe('index terms', () => {
  it('splits Latin text into its words, as before', () => {
    expect(indexTerms('Modbus/TCP: PLC-5 firmware')).toEqual(['modbus', 'tcp', 'plc', '5', 'firmware']);
    expect(indexTerms('Ｍｏｄｂｕｓ Çà 5')).toEqual(['modbus', 'çà', '5']);
  });

  it('splits ASCII text exactly as the full Unicode rule does (its shortcut)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (t) => {
        expect(indexTerms(t)).toEqual(wordsRule(t));
      }),
    );
  });

  it('leaves every text without Han, kana or Hangul as the words rule splits it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (t) => {
        fc.pre(!CJK.test(t.normalize('NFKC')));
        expect(indexTerms(t)).toEqual(wordsRule(t));
      }),
    );
  });

  it('indexes a CJK run as its characters and their bigrams, interleaved', () => {
    expect(indexTerms('竹島に関する')).toEqual([
      '竹',
      '竹島',
      '島',
      '島に',
      'に',
      'に関',
      '関',
      '関す',
      'す',
      'する',
      'る',
    ]);
    expect(indexTerms('독도에서 훈련')).toEqual([
      '독',
      '독도',
      '도',
      '도에',
      '에',
      '에서',
      '서',
      '훈',
      '훈련',
      '련',
    ]);
    expect(indexTerms('島')).toEqual(['島']);
  });

  it('splits a word where it passes between CJK and other letters or digits', () => {
    expect(indexTerms('2024年 DPRKの')).toEqual(['2024', '年', 'dprk', 'の']);
    expect(indexTerms('abc竹島')).toEqual(['abc', '竹', '竹島', '島']);
  });

  it('keeps marks of the runs (ー, 々) and folds half-width kana (NFKC)', () => {
    expect(indexTerms('データ')).toEqual(['デ', 'デー', 'ー', 'ータ', 'タ']);
    expect(indexTerms('人々')).toEqual(['人', '人々', '々']);
    expect(indexTerms('ﾐｻｲﾙ')).toEqual(indexTerms('ミサイル'));
  });

  it('counts characters beyond the BMP as one character each', () => {
    expect(indexTerms('𠮷野')).toEqual(['𠮷', '𠮷野', '野']);
  });
});

describe('query words', () => {
  it('looks for a Latin word as itself, each word once, at most 32', () => {
    expect(queryWords('Missile  missile LAUNCH')).toEqual([
      { word: 'missile', terms: ['missile'] },
      { word: 'launch', terms: ['launch'] },
    ]);
    expect(queryWords(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toHaveLength(32);
    expect(queryWords(' ** ')).toEqual([]);
  });

  it('looks for a CJK word as the phrase of its bigrams, without the unigrams they imply at its ends', () => {
    expect(queryWords('竹島')).toEqual([{ word: '竹島', terms: ['竹島'] }]);
    expect(queryWords('ミサイル')[0]!.terms).toEqual(['ミサ', 'サ', 'サイ', 'イ', 'イル']);
    expect(queryWords('竹')[0]!.terms).toEqual(['竹']);
    expect(queryWords('abc竹島')[0]!.terms).toEqual(['abc', '竹', '竹島']);
  });

  it('finds a word inside a run the way the indexes do, and not from bigrams that stand apart', () => {
    expect(textHolds('竹島に関する報告', queryWords('竹島'))).toBe(true);
    expect(textHolds('독도에서 훈련', queryWords('독도'))).toBe(true);
    expect(textHolds('弾道ミサイル発射', queryWords('ミサイル'))).toBe(true);
    expect(textHolds('弾道ミサイル発射', queryWords('道 発'))).toBe(true);
    expect(textHolds('東京と京都', queryWords('東京都'))).toBe(false);
    expect(textHolds('missile launch', queryWords('launch missile'))).toBe(true);
    expect(textHolds('missile launch', queryWords('missiles'))).toBe(false);
  });
});
