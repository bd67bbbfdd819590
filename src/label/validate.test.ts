import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { assertValidLabel, labelKey, normaliseLabel, sameLabel, validateLabel } from './index.js';
import { arbLabel } from './test-support/arbitraries.js';

const source = loadBuiltinRegistry();
const reg = compileRegistry(source);

const paths = (input: unknown) => validateLabel(reg, input).map((p) => `${p.kind} ${p.path}`);

describe('validateLabel (R1, R5, R13, contracts §3)', () => {
  it('accepts the label of contracts §3', () => {
    const label = {
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['KOR', 'JPN'],
      restrictive: { Compartment: ['BMD'], Designation: [] },
      informative: { Administrative: ['exercise'] },
      caveats: ['ORCON'],
      topics: ['DPRK-MISSILE'],
      purpose: 'missile defence',
      consents: [{ to: 'USA', by: 'KOR', at: '2026-01-05T09:00:00Z', ref: 'consent--1' }],
    };
    expect(validateLabel(reg, label)).toEqual([]);
    expect(assertValidLabel(reg, label)).toBe(label);
  });

  it('R1: names an unknown originator, level, Releasable To party and consent parties by pointer', () => {
    expect(paths({ originator: 'PRK', classification: 'II' })).toEqual(['UNKNOWN_PARTY /originator']);
    expect(paths({ originator: 'KOR', classification: 'GOKUHI' })).toEqual(['UNKNOWN_LEVEL /classification']);
    expect(
      paths({
        originator: 'KOR',
        classification: 'III',
        releasableTo: ['JPN', 'GBR'],
        consents: [{ to: 'FRA', by: 'KOR', at: '2026-01-05T09:00:00Z', holder: 'DEU' }],
      }),
    ).toEqual([
      'UNKNOWN_PARTY /releasableTo/1',
      'UNKNOWN_PARTY /consents/0/to',
      'UNKNOWN_PARTY /consents/0/holder',
    ]);
  });

  it('R13: a designation must be the originator’s own (TOKUTEI is Japan’s), and never on rank 0 (R33)', () => {
    expect(
      validateLabel(reg, {
        originator: 'JPN',
        classification: 'GOKUHI',
        restrictive: { Designation: ['TOKUTEI'] },
      }),
    ).toEqual([]);
    const onKorean = validateLabel(reg, {
      originator: 'KOR',
      classification: 'II',
      restrictive: { Designation: ['TOKUTEI'] },
    });
    expect(onKorean).toHaveLength(1);
    expect(onKorean[0]).toMatchObject({ kind: 'UNKNOWN_DESIGNATION', path: '/restrictive/Designation/0' });
    expect(onKorean[0].message).toContain('JPN');
    expect(
      paths({ originator: 'JPN', classification: 'GOKUHI', restrictive: { Designation: ['X'] } }),
    ).toEqual(['UNKNOWN_DESIGNATION /restrictive/Designation/0']);
    expect(
      paths({ originator: 'JPN', classification: 'U', restrictive: { Designation: ['TOKUTEI'] } }),
    ).toEqual(['DESIGNATION_UNCLASSIFIED /restrictive/Designation']);
  });

  it('§3: a consent states exactly one of to, actions, purpose, and only the originator gives it', () => {
    const at = '2026-01-05T09:00:00Z';
    expect(
      paths({
        originator: 'KOR',
        classification: 'II',
        consents: [
          { by: 'KOR', at },
          { to: 'USA', actions: ['copy'], by: 'KOR', at },
          { to: 'USA', by: 'JPN', at },
          { purpose: 'exercise', by: 'KOR', at, expires: '2026-01-01T00:00:00Z' },
        ],
      }),
    ).toEqual([
      'CONSENT_KIND /consents/0',
      'CONSENT_KIND /consents/1',
      'CONSENT_NOT_BY_ORIGINATOR /consents/2/by',
      'CONSENT_EXPIRY /consents/3/expires',
    ]);
  });

  it('R5: caveats are only ORCON or NOFORN; unknown properties and missing fields are shape problems', () => {
    const caveat = validateLabel(reg, {
      originator: 'KOR',
      classification: 'II',
      caveats: ['ORCON', 'EYES ONLY'],
    });
    expect(caveat).toHaveLength(1);
    expect(caveat[0]).toMatchObject({ kind: 'SHAPE', path: '/caveats/1' });
    expect(caveat[0].message).toContain('ORCON');
    expect(caveat[0].message).toContain('NOFORN');
    expect(paths({ originator: 'KOR', classification: 'II', level: 'x' })).toEqual(['SHAPE /level']);
    expect(paths({ originator: 'KOR' })).toEqual(['SHAPE /classification']);
    expect(paths('KOR II')).toEqual(['SHAPE ']);
  });

  it('reports duplicates where the second copy is, and an empty purpose', () => {
    expect(
      paths({
        originator: 'KOR',
        classification: 'II',
        releasableTo: ['JPN', 'KOR', 'JPN'],
        caveats: ['ORCON', 'ORCON'],
        topics: ['T', 'T'],
        restrictive: { Compartment: ['BMD', 'BMD'] },
        purpose: ' ',
      }),
    ).toEqual([
      'DUPLICATE /releasableTo/2',
      'DUPLICATE /caveats/1',
      'DUPLICATE /topics/1',
      'DUPLICATE /restrictive/Compartment/1',
      'EMPTY_PURPOSE /purpose',
    ]);
  });

  it('assertValidLabel throws INVALID_LABEL naming the first pointer under the given base', () => {
    const e = (() => {
      try {
        assertValidLabel(reg, { originator: 'KOR', classification: 'X' }, '/item/label');
      } catch (err) {
        return err;
      }
    })() as ReltoError;
    expect(e).toBeInstanceOf(ReltoError);
    expect(e.code).toBe('INVALID_LABEL');
    expect(e.path).toBe('/item/label/classification');
  });

  it('random labels built with valid=true pass validation', () => {
    fc.assert(
      fc.property(arbLabel(source, { valid: true }), (label) => validateLabel(reg, label).length === 0),
    );
  });
});

describe('normaliseLabel (contracts §6 normal form)', () => {
  it('sorts and de-duplicates every list and drops empty lists and objects at every depth', () => {
    expect(
      normaliseLabel({
        originator: 'KOR',
        classification: 'II',
        releasableTo: ['USA', 'JPN', 'USA'],
        restrictive: { Designation: [], Compartment: ['Z', 'A', 'Z'] },
        informative: { Administrative: [] },
        caveats: [],
        topics: ['DPRK-NUCLEAR', 'DPRK-MISSILE'],
        consents: [],
      }),
    ).toEqual({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'USA'],
      restrictive: { Compartment: ['A', 'Z'] },
      topics: ['DPRK-MISSILE', 'DPRK-NUCLEAR'],
    });
  });

  it('is idempotent and makes shuffled copies of a label compare equal', () => {
    fc.assert(
      fc.property(arbLabel(source), fc.nat(), (label, seed) => {
        const once = normaliseLabel(label);
        expect(normaliseLabel(once)).toEqual(once);
        // A copy with every list reversed and doubled says the same thing.
        const twist = <T>(xs: T[] | undefined) => (xs ? [...xs].reverse().concat(seed % 2 ? xs : []) : xs);
        const copy = JSON.parse(JSON.stringify(label));
        copy.releasableTo = twist(copy.releasableTo);
        copy.caveats = twist(copy.caveats);
        copy.topics = twist(copy.topics);
        copy.consents = twist(copy.consents);
        for (const k of Object.keys(copy.restrictive ?? {})) copy.restrictive[k] = twist(copy.restrictive[k]);
        expect(sameLabel(label, copy)).toBe(true);
        expect(labelKey(label)).toBe(labelKey(copy));
      }),
    );
  });

  it('keeps labels that differ in meaning apart', () => {
    expect(
      sameLabel({ originator: 'KOR', classification: 'II' }, { originator: 'KOR', classification: 'III' }),
    ).toBe(false);
    expect(
      sameLabel(
        { originator: 'KOR', classification: 'II', caveats: ['ORCON'] },
        { originator: 'KOR', classification: 'II', caveats: ['NOFORN'] },
      ),
    ).toBe(false);
  });
});
