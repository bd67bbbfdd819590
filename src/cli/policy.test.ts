import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, loadBuiltinRegistry } from '../registry/index.js';
import { runCli } from './test-support/run-cli.js';

const vectors = readFileSync(`${dataDir}policy-vectors.public.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const tmp = mkdtempSync(join(tmpdir(), 'relto-cli-'));
const permit = vectors.find((v) => v.name === 'kor-ii-read-by-jpn-gokuhi')!;

describe('relto policy check (contracts §5)', () => {
  it('answers one request from standard input with the mark obligation (R6)', () => {
    const r = runCli(['policy', 'check', '-'], JSON.stringify(permit.request));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      decision: 'permit',
      reasons: [],
      obligations: [{ type: 'mark', originator: 'KOR', classification: { party: 'JPN', level: 'GOKUHI' } }],
    });
  });

  it('a deny is a successful answer (exit 0) listing every reason with its rule', () => {
    const deny = vectors.find((v) => v.name === 'release-before-gsomia-needs-relay')!;
    const file = join(tmp, 'deny.json');
    writeFileSync(file, JSON.stringify(deny.request));
    const r = runCli(['policy', 'check', file]);
    expect(r.status).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.decision).toBe('deny');
    expect(answer.reasons.map((x: { code: string; rule: string }) => `${x.code}/${x.rule}`)).toEqual([
      'AGREEMENT_NOT_IN_FORCE/R21',
      'RELAY_REQUIRED/R24',
    ]);
  });

  it('R1 an unknown party or level is a deny with UNKNOWN_PARTY / UNKNOWN_LEVEL and no other code', () => {
    const request = structuredClone(permit.request);
    request.item.label.releasableTo = ['KOR', 'JPN', 'FRA'];
    request.principal.clearance = 'ULTRA';
    const r = runCli(['policy', 'check'], JSON.stringify(request));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).reasons.map((x: { code: string }) => x.code)).toEqual([
      'UNKNOWN_PARTY',
      'UNKNOWN_LEVEL',
    ]);
  });

  it('a malformed request exits 2 with a JSON error naming the JSON Pointer, never a stack trace', () => {
    const request = structuredClone(permit.request);
    request.action = 'forward';
    const r = runCli(['policy', 'check'], JSON.stringify(request));
    expect(r.status).toBe(2);
    const err = JSON.parse(r.stderr).error;
    expect(err).toMatchObject({ code: 'MALFORMED_REQUEST', path: '/action' });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const notJson = runCli(['policy', 'check'], '{"at": ');
    expect(notJson.status).toBe(2);
    expect(JSON.parse(notJson.stderr).error.code).toBe('MALFORMED_REQUEST');
  });

  it('a holder other than the principal’s party is malformed (§4)', () => {
    const request = structuredClone(permit.request);
    request.item.holder = 'KOR';
    const r = runCli(['policy', 'check'], JSON.stringify(request));
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error.path).toBe('/item/holder');
  });

  it('an invalid --registry exits 2 naming the JSON Pointer of the offending value', () => {
    const reg = loadBuiltinRegistry();
    reg.agreements[0].events[2].date = '2019-01-01'; // before the notice it follows
    const file = join(tmp, 'bad-registry.json');
    writeFileSync(file, JSON.stringify(reg));
    const r = runCli(['policy', 'check', '--registry', file], JSON.stringify(permit.request));
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: 'INVALID_REGISTRY',
      path: '/agreements/0/events/2/date',
    });
  });

  it('--batch answers every line in order; a malformed line gets its error in place and exit 2 at the end', () => {
    const lines = vectors.map((v) => JSON.stringify(v.request));
    lines.splice(3, 0, '{"not": "a request"}');
    lines.splice(7, 0, 'garbage');
    const file = join(tmp, 'batch.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = runCli(['policy', 'check', '--batch', file]);
    expect(r.status).toBe(2);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(vectors.length + 2);
    expect(out[3].error).toMatchObject({ code: 'MALFORMED_REQUEST', line: 4 });
    expect(out[7].error).toMatchObject({ code: 'MALFORMED_REQUEST', line: 8 });
    const answers = out.filter((o) => !o.error);
    answers.forEach((a, i) => {
      expect(a.decision).toBe(vectors[i].expect.decision);
      expect(a.reasons.map((x: { code: string }) => x.code)).toEqual(vectors[i].expect.codes);
    });
  });

  it('--batch of good lines only exits 0', () => {
    const file = join(tmp, 'good.jsonl');
    writeFileSync(file, vectors.map((v) => JSON.stringify(v.request)).join('\n'));
    const r = runCli(['policy', 'check', '--batch', file]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(vectors.length);
  });

  it('--batch --workers 2 (worker threads) keeps every answer in input order', () => {
    const lines: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 9000; i++) {
      const v = vectors[i % vectors.length];
      if (i === 4321) {
        lines.push('{"broken":');
        expected.push('error');
      } else {
        lines.push(JSON.stringify(v.request));
        expected.push(`${v.expect.decision}:${v.expect.codes.join(',')}`);
      }
    }
    const file = join(tmp, 'large.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = runCli(['policy', 'check', '--batch', file, '--workers', '2']);
    expect(r.status).toBe(2);
    const got = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((o) =>
        o.error ? 'error' : `${o.decision}:${o.reasons.map((x: { code: string }) => x.code).join(',')}`,
      );
    expect(got).toEqual(expected);
    expect(JSON.parse(r.stdout.trim().split('\n')[4321]).error.line).toBe(4322);
  });
});
