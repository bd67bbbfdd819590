import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { cotRefusalReason, parseCot, serialiseCot } from './cot.js';
import { trackLabel, withLabel } from './label.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
const NOW = Date.parse('2023-12-19T00:00:00Z');
const fixture = (f: string) => parseCot(readFileSync(`${dir}${f}`), { now: NOW });

const KOR_MW_1: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN', 'USA'],
  topics: ['DPRK-MISSILE'],
};
const defaults = new Map([['KOR-MW-1', KOR_MW_1]]);

function reasonOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return cotRefusalReason(e);
  }
  return undefined;
}

describe('R31: the label of a track (contracts §7)', () => {
  it('reads access, releasableTo and caveat on the event and the rest from <__relto>', () => {
    expect(trackLabel(fixture('kor-labelled-relay.xml'))).toEqual({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['KOR', 'JPN', 'USA'],
      caveats: ['ORCON'],
      topics: ['DPRK-MISSILE'],
      restrictive: { Compartment: ['BMD'] },
      purpose: 'missile defence',
    });
    expect(trackLabel(fixture('jpn-radar-entities.xml'))).toEqual({
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['JPN', 'USA'],
      topics: ['DPRK-MISSILE', 'DPRK-NUCLEAR'],
      restrictive: { Program: ['SHIELD'] },
      informative: { Administrative: ['exercise KEEN'] },
    });
  });

  it("gives a sensor's unlabelled event its feed's default label, the feed named by the input", () => {
    expect(trackLabel(fixture('kor-sensor-track.xml'), { feed: 'KOR-MW-1', defaults })).toEqual(KOR_MW_1);
  });

  it('takes the feed from <__relto feed> before the input’s', () => {
    const t = { ...fixture('kor-sensor-track.xml'), relto: { feed: 'KOR-MW-1' } };
    expect(trackLabel(t, { feed: 'OTHER', defaults })).toEqual(KOR_MW_1);
  });

  it('never lets a track through unlabelled: no label and no default is refused', () => {
    const t = fixture('kor-sensor-track.xml');
    expect(reasonOf(() => trackLabel(t))).toBe('unlabelled');
    expect(reasonOf(() => trackLabel(t, { feed: 'KOR-MW-9', defaults }))).toBe('unlabelled');
    expect(reasonOf(() => trackLabel(t, { defaults }))).toBe('unlabelled');
  });

  it('refuses partial or malformed labels rather than guessing', () => {
    const t = fixture('kor-labelled-relay.xml');
    expect(reasonOf(() => trackLabel({ ...t, access: undefined }, { feed: 'KOR-MW-1', defaults }))).toBe(
      'bad-label',
    );
    for (const access of ['KOR', 'KOR:', ':II', 'KOR:II:x']) {
      expect(reasonOf(() => trackLabel({ ...t, access }))).toBe('bad-label');
    }
    expect(reasonOf(() => trackLabel({ ...t, caveats: ['EYES-ONLY'] }))).toBe('bad-label');
  });

  it('writes a label back so that it reads the same (property), always with <__relto feed>', () => {
    const party = fc.constantFrom('KOR', 'JPN', 'USA');
    const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :%&<>"'-]{0,12}$/).filter((s) => s.trim() === s);
    const word = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,10}$/);
    const label: fc.Arbitrary<Label> = fc.record(
      {
        originator: party,
        classification: fc.constantFrom('II', 'III', 'S', 'GOKUHI'),
        releasableTo: fc.uniqueArray(party, { minLength: 1 }),
        caveats: fc.uniqueArray(fc.constantFrom('ORCON' as const, 'NOFORN' as const), { minLength: 1 }),
        topics: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
        restrictive: fc.record(
          {
            Compartment: fc.uniqueArray(word, { minLength: 1 }),
            Program: fc.uniqueArray(token, { minLength: 1 }),
          },
          { requiredKeys: [] },
        ),
        informative: fc.record(
          { Administrative: fc.uniqueArray(token, { minLength: 1 }) },
          { requiredKeys: [] },
        ),
        purpose: token,
      },
      { requiredKeys: ['originator', 'classification'] },
    );
    const base = fixture('kor-sensor-track.xml');
    fc.assert(
      fc.property(label, (l) => {
        const xml = serialiseCot(withLabel(base, l, 'KOR-MW-1'));
        const back = parseCot(xml, { now: NOW });
        expect(back.relto?.feed).toBe('KOR-MW-1');
        const expected: Label = { ...l };
        if (expected.restrictive && Object.keys(expected.restrictive).length === 0)
          delete expected.restrictive;
        if (expected.informative && Object.keys(expected.informative).length === 0)
          delete expected.informative;
        expect(trackLabel(back)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the flow when it writes the label', () => {
    const t = fixture('kor-labelled-relay.xml');
    expect(withLabel(t, KOR_MW_1, 'KOR-MW-1').relto?.flow).toEqual(['KOR', 'USA']);
  });
});
