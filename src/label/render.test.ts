import { describe, expect, it } from 'vitest';
import type { ReltoError } from '../errors/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { type Label, langs, type MessageKey, messages, renderBanner, renderLabel } from './index.js';

const source = loadBuiltinRegistry();
const reg = compileRegistry(source);
const level = (party: string, id: string) =>
  source.parties.find((p) => p.code === party)!.levels.find((l) => l.id === id)!;
const partyName = (code: string, lang: 'en' | 'ko' | 'ja') =>
  source.parties.find((p) => p.code === code)!.name[lang];

const korII: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN'],
  caveats: ['ORCON'],
  topics: ['DPRK-MISSILE'],
  purpose: 'missile defence',
};

describe('renderLabel (R6: the originator’s original beside the receiver’s equivalent)', () => {
  it('R6: the Japanese reader of a KOR II item under KOR-JPN-GSOMIA sees 極秘 with 군사II급비밀 beside it', () => {
    const r = renderLabel(reg, korII, { reader: 'JPN', lang: 'ja', agreement: 'KOR-JPN-GSOMIA' });
    expect(r.classification).toMatchObject({ party: 'JPN', level: 'GOKUHI', native: '極秘' });
    expect(r.original).toMatchObject({
      party: 'KOR',
      level: 'II',
      native: '군사II급비밀',
      partyName: '大韓民国',
    });
    expect(r.originator).toEqual({ code: 'KOR', name: '大韓民国' });
    expect(r.equivalence).toMatchObject({ covered: true, agreement: 'KOR-JPN-GSOMIA' });
    // The banner leads with the reader's own name, the original right after it.
    expect(r.banner.startsWith('極秘')).toBe(true);
    expect(r.banner.indexOf('군사II급비밀')).toBeGreaterThan(r.banner.indexOf('極秘'));
    expect(r.banner).toContain('大韓民国');
    expect(r.banner).toContain(messages.ja['caveat.ORCON']);
  });

  it('R6: the Korean reader of a JPN GOKUHI item sees 군사II급비밀 with 極秘 beside it', () => {
    const r = renderLabel(
      reg,
      { originator: 'JPN', classification: 'GOKUHI', releasableTo: ['JPN', 'KOR'] },
      { reader: 'KOR', lang: 'ko' },
    );
    expect(r.classification?.native).toBe('군사II급비밀');
    expect(r.original?.native).toBe('極秘');
    expect(r.originator.name).toBe('일본국');
    expect(r.banner.startsWith('군사II급비밀')).toBe(true);
    expect(r.banner).toContain('極秘');
    expect(r.banner).toContain('일본국');
  });

  it('R6: in English a USA reader of a KOR III item sees CONFIDENTIAL with the Korean original', () => {
    const r = renderLabel(
      reg,
      { originator: 'KOR', classification: 'III', releasableTo: ['KOR', 'USA'] },
      { reader: 'USA', lang: 'en' },
    );
    expect(r.classification?.native).toBe('CONFIDENTIAL');
    expect(r.original).toMatchObject({ native: '군사III급비밀', romanised: level('KOR', 'III').romanised });
    expect(r.banner.startsWith('CONFIDENTIAL')).toBe(true);
    expect(r.banner).toContain('군사III급비밀');
    expect(r.banner).toContain(level('KOR', 'III').romanised);
    expect(r.banner).toContain('Republic of Korea');
    expect(r.banner).toContain('REL TO KOR, USA');
  });

  it('R3, R13: 特定秘密 is shown on designated Japanese items, with its romanisation and a gloss abroad', () => {
    const tokutei: Label = {
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['JPN', 'KOR'],
      restrictive: { Designation: ['TOKUTEI'], Compartment: ['BMD'] },
    };
    const ja = renderLabel(reg, tokutei, { reader: 'JPN', lang: 'ja' });
    expect(ja.own).toBe(true);
    expect(ja.designations).toEqual([
      expect.objectContaining({ id: 'TOKUTEI', native: '特定秘密', text: '特定秘密' }),
    ]);
    expect(ja.banner).toContain('特定秘密');
    // Designation is a legal mark, not need-to-know: it is not listed with the compartments.
    expect(ja.restrictive).toEqual([{ category: 'Compartment', values: ['BMD'] }]);
    const en = renderLabel(reg, tokutei, { reader: 'KOR', lang: 'en' });
    expect(en.designations[0].text).toContain('特定秘密');
    expect(en.designations[0].text).toContain('tokutei himitsu');
    expect(en.designations[0].gloss).toBe(messages.en['designation.TOKUTEI']);
    expect(en.banner).toContain('tokutei himitsu');
    const ko = renderLabel(reg, tokutei, { reader: 'KOR', lang: 'ko' });
    expect(ko.designations[0].text).toContain(messages.ko['designation.TOKUTEI']);
    expect(ko.banner).toContain('特定秘密');
  });

  it('own items are rendered in the reader’s own scheme, without an equivalent', () => {
    const r = renderLabel(reg, korII, { reader: 'KOR', lang: 'ko' });
    expect(r.own).toBe(true);
    expect(r.original).toBeNull();
    expect(r.classification?.native).toBe('군사II급비밀');
    expect(r.banner.startsWith('군사II급비밀 //')).toBe(true);
  });

  it('R2: an item with no equivalent says so beside the original, naming the agreement', () => {
    const r = renderLabel(reg, { originator: 'KOR', classification: 'I' }, { reader: 'JPN', lang: 'ja' });
    expect(r.classification).toBeNull();
    expect(r.equivalence).toMatchObject({
      covered: false,
      reason: 'LEVEL_NOT_COVERED',
      agreement: 'KOR-JPN-GSOMIA',
    });
    expect(r.banner.startsWith(messages.ja['label.notCovered'])).toBe(true);
    expect(r.banner).toContain('군사I급비밀');
    expect((r.equivalence as { text: string }).text).toContain('KOR-JPN-GSOMIA');
  });

  it('R11: Releasable To lists the originator first; an absent list is the originator only', () => {
    const r = renderLabel(
      reg,
      { originator: 'USA', classification: 'S', releasableTo: ['KOR', 'JPN'] },
      { reader: 'JPN', lang: 'ko' },
    );
    expect(r.releasableTo.map((p) => p.code)).toEqual(['USA', 'JPN', 'KOR']);
    expect(r.releasableTo[0].name).toBe(partyName('USA', 'ko'));
    expect(r.originatorOnly).toBe(false);
    const only = renderLabel(reg, { originator: 'USA', classification: 'S' }, { reader: 'USA', lang: 'en' });
    expect(only.originatorOnly).toBe(true);
    expect(only.releasableTo).toEqual([{ code: 'USA', name: partyName('USA', 'en') }]);
  });

  it('R12, R16: caveats carry a gloss in every language; topics and purpose are shown', () => {
    const label: Label = { ...korII, caveats: ['ORCON', 'NOFORN'] };
    for (const lang of langs) {
      const r = renderLabel(reg, label, { reader: 'KOR', lang });
      expect(r.caveats.map((c) => c.code)).toEqual(['NOFORN', 'ORCON']);
      for (const c of r.caveats) {
        expect(c.gloss).toBe(messages[lang][`caveat.${c.code}`]);
        expect(r.banner).toContain(c.gloss);
      }
      expect(r.topics).toEqual([{ id: 'DPRK-MISSILE', text: messages[lang]['topic.DPRK-MISSILE'] }]);
      expect(r.purpose).toBe('missile defence');
    }
  });

  it('refuses an invalid label (INVALID_LABEL) and an unknown reader or agreement (INVALID_ARGUMENT)', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ReltoError).code;
      }
    };
    expect(
      code(() =>
        renderLabel(reg, { originator: 'KOR', classification: 'HI' }, { reader: 'JPN', lang: 'en' }),
      ),
    ).toBe('INVALID_LABEL');
    expect(code(() => renderLabel(reg, korII, { reader: 'PRK', lang: 'en' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => renderLabel(reg, korII, { reader: 'JPN', lang: 'en', agreement: 'NATO' }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('R7: a document banner renders one line per originator for the reader', () => {
    const { banner, lines } = renderBanner(
      reg,
      [
        { originator: 'KOR', classification: 'III', releasableTo: ['KOR', 'JPN'], topics: ['DPRK-MISSILE'] },
        {
          originator: 'KOR',
          classification: 'II',
          releasableTo: ['KOR', 'JPN', 'USA'],
          topics: ['DPRK-MISSILE'],
        },
        { originator: 'USA', classification: 'S', releasableTo: ['USA', 'JPN'], topics: ['DPRK-MISSILE'] },
      ],
      { reader: 'JPN', lang: 'ja', agreements: { KOR: 'TISA' } },
    );
    expect(banner.lines).toHaveLength(2);
    expect(lines.map((l) => l.classification?.native)).toEqual(['極秘', '極秘']);
    expect(lines.map((l) => l.originator.code)).toEqual(['KOR', 'USA']);
    expect(lines[0].equivalence).toMatchObject({ agreement: 'TISA', leg: 'USA-JPN-GSOMIA' });
  });
});

describe('messages', () => {
  it('every language has every key, and none is empty', () => {
    const keys = Object.keys(messages.en) as MessageKey[];
    for (const lang of langs) {
      expect(Object.keys(messages[lang]).sort()).toEqual([...keys].sort());
      for (const k of keys) expect(messages[lang][k].length).toBeGreaterThan(0);
    }
  });
});
