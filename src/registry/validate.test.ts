import { describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { compileRegistry, loadBuiltinRegistry, registryProblems } from './index.js';

const clone = () => JSON.parse(JSON.stringify(loadBuiltinRegistry()));

function problemAt(reg: unknown): string[] {
  return registryProblems(reg).map((p) => p.path);
}

describe('registry validation (contracts §2): every error names a JSON Pointer', () => {
  it('accepts the built-in registry verbatim', () => {
    expect(registryProblems(loadBuiltinRegistry())).toEqual([]);
  });

  it('names a missing property', () => {
    const reg = clone();
    delete reg.agreements[1].timeZone;
    expect(problemAt(reg)).toContain('/agreements/1/timeZone');
  });

  it('names a property of the wrong type', () => {
    const reg = clone();
    reg.parties[0].levels[1].rank = 'one';
    expect(problemAt(reg)).toContain('/parties/0/levels/1/rank');
  });

  it('R19 refuses events out of date order', () => {
    const reg = clone();
    reg.agreements[0].events[2].date = '2019-01-01';
    expect(problemAt(reg)).toEqual(['/agreements/0/events/2/date']);
  });

  it('R19 refuses a suspension without a notice', () => {
    const reg = clone();
    reg.agreements[1].events.push({ type: 'notice-suspended', date: '2020-01-01', by: 'JPN' });
    expect(problemAt(reg)).toEqual(['/agreements/1/events/1/type']);
  });

  it('R19 refuses anything after termination, also after a notice took effect', () => {
    const reg = clone();
    reg.agreements[2].events.push({ type: 'terminated', date: '2020-01-01', by: 'USA' });
    reg.agreements[2].events.push({ type: 'dispute-opened', date: '2020-02-01' });
    expect(problemAt(reg)).toEqual(['/agreements/2/events/2/type']);
    const lapsed = clone();
    // KOR-JPN: a 2017 notice takes effect on 2017-11-23; a suspension in 2018 comes too late.
    lapsed.agreements[0].events = [
      { type: 'entry-into-force', date: '2016-11-23' },
      { type: 'termination-notice', date: '2017-01-10', by: 'KOR' },
      { type: 'notice-suspended', date: '2018-01-10', by: 'KOR' },
    ];
    expect(problemAt(lapsed)).toEqual(['/agreements/0/events/2/type']);
  });

  it('R2 refuses a level placed in two tiers across agreements', () => {
    const reg = clone();
    reg.agreements[1].table[1].levels.JPN = ['HI']; // USA-JPN S row now lists HI, which KOR-JPN puts in C
    expect(problemAt(reg)).toContain('/agreements/1/table/1/levels/JPN/0');
  });

  it('refuses unknown parties, levels, hubs, zones and a second bilateral per pair', () => {
    const reg = clone();
    reg.agreements[0].parties[1] = 'XYZ';
    reg.agreements[1].table[0].levels.USA = ['ZZ'];
    reg.agreements[3].hub = 'CHN';
    reg.agreements[2].timeZone = 'Mars/Olympus';
    reg.agreements.push({ ...clone().agreements[1], id: 'USA-JPN-2' });
    const paths = problemAt(reg);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/agreements/0/parties/1',
        '/agreements/1/table/0/levels/USA/0',
        '/agreements/3/hub',
        '/agreements/2/timeZone',
        '/agreements/4/parties',
      ]),
    );
  });

  it('compileRegistry throws INVALID_REGISTRY with the first pointer and every problem', () => {
    const reg = clone();
    reg.parties[2].levels[0].rank = 5;
    try {
      compileRegistry(reg);
      expect.unreachable('an invalid registry must throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ReltoError);
      const err = e as ReltoError;
      expect(err.code).toBe('INVALID_REGISTRY');
      expect(err.path).toBe('/parties/2/levels');
      expect((err.details as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
    }
  });
});
