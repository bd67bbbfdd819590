import { describe, expect, it } from 'vitest';
import { agreementStateAt, agreementStateOnDate, loadBuiltinRegistry, startOfDate } from './index.js';
import type { Agreement } from './schema.js';

const builtin = loadBuiltinRegistry();
const gsomia = builtin.agreements.find((a) => a.id === 'KOR-JPN-GSOMIA')!;

function agreement(over: Partial<Agreement>): Agreement {
  return {
    id: 'X-Y',
    title: 'test agreement',
    parties: ['KOR', 'JPN'],
    kind: 'bilateral',
    hub: null,
    scopeTopics: null,
    contractorsAllowed: false,
    termYears: 1,
    noticeDays: 90,
    timeZone: 'Asia/Seoul',
    table: [],
    events: [{ type: 'entry-into-force', date: '2020-01-01' }],
    ...over,
  };
}

describe('R23 the built-in history of the Korea–Japan GSOMIA', () => {
  it.each([
    ['2016-11-22', 'not-in-force', null, false],
    ['2016-11-23', 'in-force', '2017-11-23', true],
    ['2019-08-22', 'in-force', '2019-11-23', true],
    ['2019-08-23', 'termination-notified', '2019-11-23', true],
    ['2019-11-22', 'notice-suspended', '2019-11-23', true],
    ['2019-12-01', 'notice-suspended', '2020-11-23', true],
    ['2023-03-21', 'in-force', '2023-11-23', true],
    ['2023-06-01', 'in-force', '2023-11-23', true],
    ['2023-11-23', 'in-force', '2024-11-23', true],
  ] as const)('on %s it is %s (term ends %s)', (date, state, termEnds, releasesAllowed) => {
    expect(agreementStateOnDate(gsomia, date)).toEqual({
      id: 'KOR-JPN-GSOMIA',
      state,
      termEnds,
      releasesAllowed,
      dispute: false,
    });
  });

  it('R20 reads instants in the agreement’s time zone (Seoul): the suspension starts at 00:00 KST', () => {
    expect(agreementStateAt(gsomia, Date.parse('2019-11-21T14:59:59Z')).state).toBe('termination-notified');
    expect(agreementStateAt(gsomia, Date.parse('2019-11-21T15:00:00Z')).state).toBe('notice-suspended');
    expect(startOfDate('2019-11-22', 'Asia/Seoul')).toBe(Date.parse('2019-11-21T15:00:00Z'));
  });
});

describe('R20 term, automatic renewal and notice', () => {
  it('a notice at least 90 days before the anniversary ends the agreement on that anniversary', () => {
    const a = agreement({
      events: [
        { type: 'entry-into-force', date: '2020-01-01' },
        { type: 'termination-notice', date: '2020-10-03', by: 'KOR' },
      ],
    });
    expect(agreementStateOnDate(a, '2020-12-31')).toMatchObject({
      state: 'termination-notified',
      termEnds: '2021-01-01',
    });
    expect(agreementStateOnDate(a, '2021-01-01')).toMatchObject({
      state: 'terminated',
      termEnds: '2021-01-01',
      releasesAllowed: false,
    });
  });

  it('a later notice takes effect on the following anniversary', () => {
    const a = agreement({
      events: [
        { type: 'entry-into-force', date: '2020-01-01' },
        { type: 'termination-notice', date: '2020-10-04', by: 'KOR' },
      ],
    });
    expect(agreementStateOnDate(a, '2021-01-01')).toMatchObject({
      state: 'termination-notified',
      termEnds: '2022-01-01',
    });
    expect(agreementStateOnDate(a, '2022-01-01').state).toBe('terminated');
  });

  it('term and notice days are configurable per agreement (a 2-year term, 30 days notice)', () => {
    const a = agreement({
      termYears: 2,
      noticeDays: 30,
      events: [
        { type: 'entry-into-force', date: '2020-01-01' },
        { type: 'termination-notice', date: '2021-12-01', by: 'JPN' },
      ],
    });
    expect(agreementStateOnDate(a, '2021-12-15')).toMatchObject({
      state: 'termination-notified',
      termEnds: '2022-01-01',
    });
    expect(agreementStateOnDate(a, '2020-06-01')).toMatchObject({
      state: 'in-force',
      termEnds: '2022-01-01',
    });
  });

  it('without a term a notice takes effect noticeDays after it, or at once when null', () => {
    const later = agreement({
      termYears: null,
      noticeDays: 30,
      events: [
        { type: 'entry-into-force', date: '2020-01-01' },
        { type: 'termination-notice', date: '2020-03-01', by: 'KOR' },
      ],
    });
    expect(agreementStateOnDate(later, '2020-03-30')).toMatchObject({
      state: 'termination-notified',
      termEnds: '2020-03-31',
    });
    expect(agreementStateOnDate(later, '2020-03-31').state).toBe('terminated');
    const atOnce = agreement({ ...later, noticeDays: null });
    expect(agreementStateOnDate(atOnce, '2020-03-01')).toMatchObject({
      state: 'terminated',
      termEnds: '2020-03-01',
    });
    expect(agreementStateOnDate(agreement({ termYears: null }), '2030-01-01').termEnds).toBeNull();
  });

  it('R19 the reserved right: terminated may follow in-force directly; R21 no releases after', () => {
    const a = agreement({
      events: [
        { type: 'entry-into-force', date: '2020-01-01' },
        { type: 'terminated', date: '2020-05-05', by: 'KOR' },
      ],
    });
    expect(agreementStateOnDate(a, '2020-05-04').releasesAllowed).toBe(true);
    expect(agreementStateOnDate(a, '2020-05-05')).toMatchObject({
      state: 'terminated',
      releasesAllowed: false,
    });
  });

  it('R22 a dispute is reported as a flag beside the state', () => {
    const a = agreement({
      events: [
        { type: 'entry-into-force', date: '2020-01-01' },
        { type: 'dispute-opened', date: '2020-02-01' },
        { type: 'dispute-closed', date: '2020-03-01' },
      ],
    });
    expect(agreementStateOnDate(a, '2020-02-15')).toMatchObject({ state: 'in-force', dispute: true });
    expect(agreementStateOnDate(a, '2020-03-01').dispute).toBe(false);
  });
});
