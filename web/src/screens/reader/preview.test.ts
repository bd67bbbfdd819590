import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, type ServedPortion } from '../../components/label-core.js';
import { previewRelease } from './preview.js';

const reg = compile(
  JSON.parse(readFileSync(new URL('../../../../data/registry.builtin.json', import.meta.url), 'utf8')),
);
const floor = {
  originator: 'KOR',
  classification: 'III',
  releasableTo: ['JPN', 'KOR'],
  topics: ['DPRK-MISSILE'],
};
const portions: ServedPortion[] = [
  { index: 0, withheld: false, text: 'a', label: { ...floor } },
  {
    index: 1,
    withheld: false,
    text: 'b',
    label: { originator: 'KOR', classification: 'II', releasableTo: ['KOR'], topics: ['DPRK-MISSILE'] },
  },
  {
    index: 2,
    withheld: false,
    text: 'c',
    label: {
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    },
  },
  { index: 3, withheld: true },
];

describe('the release preview (what the partner will see)', () => {
  it("shows Japan's readers the banner in Japanese and Japan's scheme, with a Korea-only paragraph withheld", () => {
    const p = previewRelease(reg, {
      holder: 'KOR',
      partner: 'JPN',
      at: '2026-03-01T00:00:00Z',
      floor,
      portions,
    });
    expect(p.release.decision).toBe('permit');
    expect(p.portions.map((x) => x.state)).toEqual(['shown', 'withheld', 'shown', 'unknown']);
    expect(p.portions[1]!.reasons.map((r) => r.code)).toContain('NOT_RELEASABLE_TO_PARTY');
    expect(p.lang).toBe('ja');
    // The banner over what Japan is shown: the Korea-only paragraph's restriction does not narrow it.
    expect(p.banner!.text).toBe(
      '極秘 〔大韓民国：군사II급비밀〕 // 提供可能：大韓民国、日本国 // 主題：北朝鮮のミサイル',
    );
    expect(p.banner!.tier).toBe('S');
  });

  it('says why a release would be refused: no agreement in force on that date (R21)', () => {
    // Before the Korea–Japan agreement entered into force (2016-11-23).
    const p = previewRelease(reg, {
      holder: 'KOR',
      partner: 'JPN',
      at: '2015-01-01T00:00:00Z',
      floor,
      portions,
    });
    expect(p.release.decision).toBe('deny');
    expect(p.release.reasons.map((r) => r.code)).toContain('AGREEMENT_NOT_IN_FORCE');
  });

  it("a report not releasable to the partner is not shown to the partner's readers at all", () => {
    const own = { originator: 'KOR', classification: 'III', releasableTo: ['KOR'] };
    const p = previewRelease(reg, {
      holder: 'KOR',
      partner: 'USA',
      at: '2026-03-01T00:00:00Z',
      floor: own,
      portions: [{ index: 0, withheld: false, text: 'a', label: own }],
    });
    expect(p.release.decision).toBe('deny');
    expect(p.release.reasons.map((r) => r.code)).toContain('NOT_RELEASABLE_TO_PARTY');
    expect(p.floor.decision).toBe('deny');
    expect(p.banner).toBeUndefined();
    expect(p.lang).toBe('en');
  });

  it("Japan passing Korea's report on to the US needs Korea's consent naming the US; with it, the US is shown what Japan is (R15, R11)", () => {
    const korean = { ...floor, classification: 'II' };
    const input = {
      holder: 'JPN',
      partner: 'USA',
      under: 'USA-JPN-GSOMIA',
      at: '2026-03-01T00:00:00Z',
      floor: korean,
      portions: [
        { index: 0, withheld: false, text: 'a', label: korean },
        { index: 1, withheld: true },
      ] satisfies ServedPortion[],
    };
    const before = previewRelease(reg, input);
    expect(before.release.decision).toBe('deny');
    expect(before.release.reasons.map((r) => r.code)).toContain('THIRD_PARTY_CONSENT_REQUIRED');
    expect(before.portions[0]!.state).toBe('withheld');
    const after = previewRelease(reg, {
      ...input,
      consents: [{ by: 'KOR', at: '2026-02-28T00:00:00Z', to: 'USA' }],
    });
    expect(after.release.decision).toBe('permit');
    expect(after.portions.map((x) => x.state)).toEqual(['shown', 'unknown']);
    expect(after.banner!.text).toContain('군사II급비밀');
  });
});
