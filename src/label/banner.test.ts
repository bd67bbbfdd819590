import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { decide } from '../policy/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import {
  banner,
  bannerProblems,
  type Consent,
  compareLevels,
  dominates,
  type Label,
  normaliseConsent,
  releasableParties,
  tierOrder,
} from './index.js';
import { arbLabel, partyCodes } from './test-support/arbitraries.js';

const source = loadBuiltinRegistry();
const reg = compileRegistry(source);
const consentKey = (c: Consent) => canonicalize(normaliseConsent(c));
const lv = (party: string, level: string) => ({ party, level });

describe('compareLevels and dominates (R7: same scheme by rank, different schemes by tier)', () => {
  it('orders the global tiers from the registry tables, not from constants (R4)', () => {
    expect(tierOrder(reg)).toEqual(['C', 'S', 'TS']);
  });

  it('compares within one scheme by rank', () => {
    expect(compareLevels(reg, lv('KOR', 'II'), lv('KOR', 'III'))).toBe('above');
    expect(compareLevels(reg, lv('KOR', 'R'), lv('KOR', 'III'))).toBe('below');
    expect(compareLevels(reg, lv('JPN', 'HI'), lv('JPN', 'HI'))).toBe('equal');
  });

  it('compares across schemes by tier: 군사II급비밀 = 極秘 = SECRET; 機密 above 極秘', () => {
    expect(compareLevels(reg, lv('KOR', 'II'), lv('JPN', 'GOKUHI'))).toBe('equal');
    expect(compareLevels(reg, lv('USA', 'S'), lv('KOR', 'II'))).toBe('equal');
    expect(compareLevels(reg, lv('JPN', 'KIMITSU'), lv('KOR', 'II'))).toBe('above');
    expect(compareLevels(reg, lv('USA', 'C'), lv('JPN', 'GOKUHI'))).toBe('below');
  });

  it('R33: every unclassified level is equal to every other and below everything classified', () => {
    expect(compareLevels(reg, lv('KOR', 'U'), lv('JPN', 'U'))).toBe('equal');
    expect(compareLevels(reg, lv('USA', 'U'), lv('KOR', 'R'))).toBe('below');
    expect(compareLevels(reg, lv('JPN', 'U'), lv('USA', 'C'))).toBe('below');
  });

  it('대외비 (no tier) compares through its own scheme: below C and everything above C elsewhere', () => {
    expect(compareLevels(reg, lv('KOR', 'R'), lv('JPN', 'HI'))).toBe('below');
    expect(compareLevels(reg, lv('USA', 'TS'), lv('KOR', 'R'))).toBe('above');
  });

  it('levels no table relates are incomparable, and dominate neither way', () => {
    const custom = structuredClone(source);
    custom.parties.push({
      code: 'GBR',
      name: { en: 'United Kingdom', ko: '영국', ja: '英国' },
      designations: [],
      levels: [
        { id: 'OFFICIAL', rank: 0, native: 'OFFICIAL', romanised: 'OFFICIAL', en: 'official' },
        {
          id: 'OS',
          rank: 1,
          native: 'OFFICIAL-SENSITIVE',
          romanised: 'OFFICIAL-SENSITIVE',
          en: 'official-sensitive',
        },
      ],
    });
    const r = compileRegistry(custom);
    expect(compareLevels(r, lv('GBR', 'OS'), lv('KOR', 'R'))).toBe('incomparable');
    expect(compareLevels(r, lv('GBR', 'OS'), lv('USA', 'C'))).toBe('incomparable');
    expect(compareLevels(r, lv('GBR', 'OS'), lv('USA', 'U'))).toBe('above');
    expect(compareLevels(r, lv('GBR', 'OFFICIAL'), lv('JPN', 'U'))).toBe('equal');
    const os: Label = { originator: 'GBR', classification: 'OS' };
    const daeoebi: Label = { originator: 'KOR', classification: 'R' };
    expect(dominates(r, os, daeoebi)).toBe(false);
    expect(dominates(r, daeoebi, os)).toBe(false);
    // An untiered level above a tiered one in its own scheme is above that tier everywhere.
    const kimitsuPlus = structuredClone(source);
    kimitsuPlus.parties
      .find((p) => p.code === 'JPN')!
      .levels.push({ id: 'X', rank: 9, native: 'X', romanised: 'x', en: 'unlisted' });
    const k = compileRegistry(kimitsuPlus);
    expect(compareLevels(k, lv('JPN', 'X'), lv('USA', 'TS'))).toBe('above');
    expect(compareLevels(k, lv('JPN', 'X'), lv('KOR', 'R'))).toBe('above');
  });

  it('throws INVALID_LABEL for an unknown level', () => {
    expect(() => compareLevels(reg, lv('KOR', 'GOKUHI'), lv('KOR', 'II'))).toThrow(ReltoError);
  });
});

describe('banner (R7)', () => {
  it('R7: per originator the highest level, Releasable To intersected, values, caveats and topics united', () => {
    const b = banner(reg, [
      {
        originator: 'KOR',
        classification: 'III',
        releasableTo: ['KOR', 'JPN', 'USA'],
        restrictive: { Compartment: ['BMD'] },
        informative: { Administrative: ['exercise'] },
        caveats: ['ORCON'],
        topics: ['DPRK-MISSILE'],
      },
      {
        originator: 'KOR',
        classification: 'II',
        releasableTo: ['KOR', 'JPN'],
        restrictive: { Compartment: ['SIGINT'] },
        caveats: ['NOFORN'],
        topics: ['DPRK-NUCLEAR'],
      },
    ]);
    expect(b.lines).toEqual([
      {
        originator: 'KOR',
        classification: 'II',
        releasableTo: ['JPN', 'KOR'],
        restrictive: { Compartment: ['BMD', 'SIGINT'] },
        informative: { Administrative: ['exercise'] },
        caveats: ['NOFORN', 'ORCON'],
        topics: ['DPRK-MISSILE', 'DPRK-NUCLEAR'],
      },
    ]);
    expect(b.releasableTo).toEqual(['JPN', 'KOR']);
  });

  it('R7: an absent Releasable To means the originator only, so the banner is the originator’s alone', () => {
    const b = banner(reg, [
      { originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'] },
      { originator: 'KOR', classification: 'III' },
    ]);
    expect(releasableParties(b.lines[0])).toEqual(['KOR']);
    expect(b.releasableTo).toEqual(['KOR']);
    // A list that never names the originator still leaves only the originator.
    const c = banner(reg, [
      { originator: 'KOR', classification: 'II', releasableTo: ['JPN'] },
      { originator: 'KOR', classification: 'II' },
    ]);
    expect(c.lines[0].releasableTo).toBeUndefined();
  });

  it('R7: a document of several originators has one line per originator, highest tier first', () => {
    const b = banner(reg, [
      { originator: 'KOR', classification: 'III', releasableTo: ['KOR', 'JPN', 'USA'] },
      { originator: 'USA', classification: 'TS', releasableTo: ['USA', 'KOR', 'JPN'] },
      { originator: 'JPN', classification: 'GOKUHI', releasableTo: ['JPN', 'KOR'] },
      { originator: 'KOR', classification: 'U', releasableTo: ['KOR', 'JPN', 'USA'] },
    ]);
    expect(b.lines.map((l) => `${l.originator}:${l.classification}`)).toEqual([
      'USA:TS',
      'JPN:GOKUHI',
      'KOR:III',
    ]);
    // Each originator's line keeps its own Releasable To; the document's is what every portion allows.
    expect(b.lines[2].releasableTo).toEqual(['JPN', 'KOR', 'USA']);
    expect(b.releasableTo).toEqual(['JPN', 'KOR']);
  });

  it('R7: portions that state different purposes cannot share a document', () => {
    const portions = [
      { originator: 'KOR', classification: 'II', purpose: 'missile defence' },
      { originator: 'KOR', classification: 'III' },
      { originator: 'JPN', classification: 'HI', purpose: 'exercise' },
    ];
    expect(bannerProblems(reg, portions)).toEqual([
      expect.objectContaining({ kind: 'PURPOSE_CONFLICT', path: '/2/purpose' }),
    ]);
    try {
      banner(reg, portions);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ReltoError);
      expect((e as ReltoError).code).toBe('INVALID_LABEL');
      expect((e as ReltoError).path).toBe('/2/purpose');
    }
    // One stated purpose and portions without one: the document carries that purpose.
    expect(banner(reg, portions.slice(0, 2)).lines[0].purpose).toBe('missile defence');
  });

  it('a consent holds for the document only if every portion of that originator has it', () => {
    const shared = { to: 'USA', by: 'KOR', at: '2026-01-05T09:00:00Z' };
    const only = { actions: ['copy' as const], by: 'KOR', at: '2026-01-05T09:00:00Z' };
    const b = banner(reg, [
      { originator: 'KOR', classification: 'II', consents: [shared, only] },
      { originator: 'KOR', classification: 'II', consents: [{ ...shared }] },
    ]);
    expect(b.lines[0].consents).toEqual([shared]);
  });

  it('R7: the banner marks the document; each portion is still decided on its own label', () => {
    // A 대외비 portion under a 군사II급비밀 banner: Korea–Japan covers II but not 대외비 (R2).
    const portions: Label[] = [
      { originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'] },
      { originator: 'KOR', classification: 'R', releasableTo: ['KOR', 'JPN'] },
    ];
    const read = (label: Label) =>
      decide(reg, {
        at: '2024-06-01T00:00:00Z',
        principal: { id: 'j', party: 'JPN', clearance: 'KIMITSU', roles: ['analyst'], official: true },
        action: 'read',
        item: { label, holder: 'JPN', receivedUnder: 'KOR-JPN-GSOMIA' },
      });
    const line = banner(reg, portions).lines[0];
    expect(line.classification).toBe('II');
    expect(read(line).decision).toBe('permit');
    expect(read(portions[1]).reasons.map((r) => r.code)).toEqual(['LEVEL_NOT_COVERED']);
  });

  it('refuses no portions and invalid portions, pointing into the offending portion', () => {
    expect(() => banner(reg, [])).toThrow(ReltoError);
    expect(
      bannerProblems(reg, [
        { originator: 'KOR', classification: 'II' },
        { originator: 'KOR', classification: 'HI' },
      ]),
    ).toEqual([expect.objectContaining({ kind: 'UNKNOWN_LEVEL', path: '/1/classification' })]);
  });

  it('property (R7): the banner is at least as restrictive as every portion', () => {
    const parties = partyCodes(source);
    // Portions sharing one purpose (or none), as R7 requires of a document.
    const arbPortions = fc
      .tuple(fc.array(arbLabel(source, { valid: true }), { minLength: 1, maxLength: 6 }), fc.boolean())
      .map(([labels, keep]) =>
        labels.map((l) => (keep ? { ...l, purpose: 'missile defence' } : { ...l, purpose: undefined })),
      )
      .map((labels) => labels.map((l) => JSON.parse(JSON.stringify(l)) as Label));
    fc.assert(
      fc.property(arbPortions, (portions) => {
        const b = banner(reg, portions);
        const lines = new Map(b.lines.map((l) => [l.originator, l]));
        expect(lines.size).toBe(new Set(portions.map((p) => p.originator)).size);
        for (const p of portions) {
          const line = lines.get(p.originator)!;
          expect(dominates(reg, line, p)).toBe(true);
          // Who may read it on Releasable To: never anyone a portion does not allow (R11).
          for (const party of releasableParties(line)) expect(releasableParties(p)).toContain(party);
          for (const [category, values] of Object.entries(p.restrictive ?? {}))
            for (const v of values) expect(line.restrictive?.[category]).toContain(v);
          for (const c of p.caveats ?? []) expect(line.caveats).toContain(c);
          for (const topic of p.topics ?? []) expect(line.topics).toContain(topic);
          for (const [category, values] of Object.entries(p.informative ?? {}))
            for (const v of values) expect(line.informative?.[category]).toContain(v);
          if (p.purpose !== undefined) expect(line.purpose).toBe(p.purpose);
          // A consent in the banner is one every portion of that originator carries.
          for (const c of line.consents ?? [])
            expect(p.consents?.some((pc) => consentKey(pc) === consentKey(c))).toBe(true);
          for (const party of b.releasableTo) expect(releasableParties(p)).toContain(party);
        }
        // The line's level is one of its portions' levels: the banner invents nothing.
        for (const line of b.lines)
          expect(
            portions.some(
              (p) => p.originator === line.originator && p.classification === line.classification,
            ),
          ).toBe(true);
        expect(parties).toEqual(expect.arrayContaining(b.releasableTo));
      }),
      { numRuns: 300 },
    );
  });
});
