import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../policy/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { type Label, receiverEquivalent } from './index.js';
import { arbRequest } from './test-support/arbitraries.js';

const source = loadBuiltinRegistry();
const reg = compileRegistry(source);
const eq = (label: Label, receiver: string, agreement?: string) =>
  receiverEquivalent(reg, label, receiver, agreement);

describe('receiverEquivalent (R6, GSOMIA Art. 4(2))', () => {
  it('R6: a Korean 군사II급비밀 item is 極秘 for Japan under KOR-JPN-GSOMIA, and back', () => {
    expect(eq({ originator: 'KOR', classification: 'II' }, 'JPN', 'KOR-JPN-GSOMIA')).toEqual({
      covered: true,
      originator: 'KOR',
      originalLevel: 'II',
      party: 'JPN',
      level: 'GOKUHI',
      agreement: 'KOR-JPN-GSOMIA',
      leg: 'KOR-JPN-GSOMIA',
      own: false,
    });
    expect(eq({ originator: 'JPN', classification: 'GOKUHI' }, 'KOR')).toMatchObject({
      covered: true,
      level: 'II',
    });
    expect(eq({ originator: 'KOR', classification: 'III' }, 'USA')).toMatchObject({
      covered: true,
      level: 'C',
      agreement: 'USA-KOR-GSOMIA',
    });
  });

  it('R2: levels the table does not list are not covered (機密, 군사I급비밀, 대외비 between Korea and Japan)', () => {
    for (const label of [
      { originator: 'KOR', classification: 'I' },
      { originator: 'KOR', classification: 'R' },
      { originator: 'JPN', classification: 'KIMITSU' },
    ]) {
      const receiver = label.originator === 'KOR' ? 'JPN' : 'KOR';
      expect(eq(label, receiver, 'KOR-JPN-GSOMIA')).toMatchObject({
        covered: false,
        reason: 'LEVEL_NOT_COVERED',
      });
    }
    // The same 군사I급비밀 is TOP SECRET for the United States.
    expect(eq({ originator: 'KOR', classification: 'I' }, 'USA')).toMatchObject({
      covered: true,
      level: 'TS',
    });
  });

  it('R3: 特定秘密 sits in the SECRET tier beside 極秘 with Korea, and has no US mapping by default', () => {
    const tokutei: Label = {
      originator: 'JPN',
      classification: 'GOKUHI',
      restrictive: { Designation: ['TOKUTEI'] },
    };
    expect(eq(tokutei, 'KOR')).toMatchObject({ covered: true, level: 'II' });
    expect(eq(tokutei, 'USA')).toMatchObject({ covered: false, reason: 'LEVEL_NOT_COVERED' });
    expect(eq({ ...tokutei, classification: 'KIMITSU' }, 'KOR')).toMatchObject({ covered: false });
  });

  it('R24: relayed under TISA, the hub–receiver leg gives the level (the originator–hub leg for the hub)', () => {
    const kor: Label = { originator: 'KOR', classification: 'II', topics: ['DPRK-MISSILE'] };
    expect(eq(kor, 'JPN', 'TISA')).toMatchObject({
      covered: true,
      level: 'GOKUHI',
      agreement: 'TISA',
      leg: 'USA-JPN-GSOMIA',
    });
    expect(eq(kor, 'USA', 'TISA')).toMatchObject({ covered: true, level: 'S', leg: 'USA-KOR-GSOMIA' });
    // TISA carries SECRET and CONFIDENTIAL only.
    expect(eq({ ...kor, classification: 'I' }, 'JPN', 'TISA')).toMatchObject({
      covered: false,
      reason: 'LEVEL_NOT_COVERED',
      agreement: 'TISA',
    });
  });

  it('R33: an unclassified item takes the receiver’s rank-0 level, with or without an agreement', () => {
    expect(eq({ originator: 'KOR', classification: 'U' }, 'JPN')).toMatchObject({
      covered: true,
      level: 'U',
    });
    const custom = structuredClone(source);
    custom.agreements = [];
    const r = compileRegistry(custom);
    expect(receiverEquivalent(r, { originator: 'USA', classification: 'U' }, 'KOR')).toMatchObject({
      covered: true,
      level: 'U',
      agreement: null,
    });
    expect(receiverEquivalent(r, { originator: 'USA', classification: 'S' }, 'KOR')).toMatchObject({
      covered: false,
      reason: 'NO_AGREEMENT',
    });
  });

  it('own items keep their level; unknown codes and foreign agreements say why there is no equivalent', () => {
    expect(eq({ originator: 'JPN', classification: 'HI' }, 'JPN')).toMatchObject({
      covered: true,
      own: true,
      level: 'HI',
    });
    expect(eq({ originator: 'PRK', classification: 'II' }, 'JPN')).toMatchObject({ reason: 'UNKNOWN_PARTY' });
    expect(eq({ originator: 'KOR', classification: 'II' }, 'PRK')).toMatchObject({ reason: 'UNKNOWN_PARTY' });
    expect(eq({ originator: 'KOR', classification: 'HI' }, 'JPN')).toMatchObject({ reason: 'UNKNOWN_LEVEL' });
    expect(eq({ originator: 'KOR', classification: 'II' }, 'JPN', 'NATO')).toMatchObject({
      reason: 'UNKNOWN_AGREEMENT',
    });
    expect(eq({ originator: 'KOR', classification: 'II' }, 'JPN', 'USA-KOR-GSOMIA')).toMatchObject({
      reason: 'NO_AGREEMENT',
    });
  });

  it('property (R6): agrees with the mark obligation of every permit decide() gives for a foreign read', () => {
    let foreignPermits = 0;
    fc.assert(
      fc.property(arbRequest(source, { action: 'read' }), (req) => {
        const label = req.item.label;
        const reader = req.principal.party;
        const answer = decide(reg, req);
        const e = receiverEquivalent(reg, label, reader, req.item.receivedUnder);
        if (answer.decision === 'permit' && label.originator !== reader) {
          foreignPermits++;
          expect(e.covered).toBe(true);
          expect(answer.obligations).toEqual([
            {
              type: 'mark',
              originator: label.originator,
              classification: { party: reader, level: e.covered && e.level },
            },
          ]);
        }
        // R2: what has no equivalent is never readable by another party.
        if (!e.covered) expect(answer.decision).toBe('deny');
      }),
      { numRuns: 2000 },
    );
    expect(foreignPermits).toBeGreaterThan(0);
  });
});
