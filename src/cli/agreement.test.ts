import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/run-cli.js';

describe('relto agreement state (contracts §5, R19–R23)', () => {
  it('KOR-JPN-GSOMIA on 2019-12-01 is notice-suspended and still allows releases (R21)', () => {
    const r = runCli(['agreement', 'state', 'KOR-JPN-GSOMIA', '--at', '2019-12-01']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      id: 'KOR-JPN-GSOMIA',
      state: 'notice-suspended',
      termEnds: '2020-11-23',
      releasesAllowed: true,
      dispute: false,
    });
  });

  it('KOR-JPN-GSOMIA on 2023-06-01 is in force', () => {
    const r = runCli(['agreement', 'state', 'KOR-JPN-GSOMIA', '--at', '2023-06-01']);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'in-force', termEnds: '2023-11-23' });
  });

  it('takes an instant and reads it in the agreement’s zone', () => {
    const before = runCli(['agreement', 'state', 'KOR-JPN-GSOMIA', '--at', '2019-11-21T14:59:00Z']);
    const after = runCli(['agreement', 'state', 'KOR-JPN-GSOMIA', '--at', '2019-11-21T15:00:00Z']);
    expect(JSON.parse(before.stdout).state).toBe('termination-notified');
    expect(JSON.parse(after.stdout).state).toBe('notice-suspended');
  });

  it('agreements without a term have termEnds null', () => {
    const r = runCli(['agreement', 'state', 'TISA', '--at', '2024-01-01']);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'in-force', termEnds: null });
  });

  it('an unknown id or a bad date exits 2 with a JSON error', () => {
    const unknown = runCli(['agreement', 'state', 'KOR-CHN', '--at', '2020-01-01']);
    expect(unknown.status).toBe(2);
    expect(JSON.parse(unknown.stderr).error.code).toBe('UNKNOWN_AGREEMENT');
    const bad = runCli(['agreement', 'state', 'TISA', '--at', '2020-02-30']);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr).error.code).toBe('INVALID_ARGUMENT');
    const missing = runCli(['agreement', 'state', 'TISA']);
    expect(missing.status).toBe(2);
  });
});
