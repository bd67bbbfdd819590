import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from '../http/test-support/harness.js';
import { realNode } from '../http/test-support/nodes.js';
import { LABEL_CREATED, labelMarkingId, markingToLabel, partyIdentityId } from '../stix/index.js';
import { runCli } from './test-support/run-cli.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const labelling = readme.slice(readme.indexOf('### Labelling'));
/** The `relto label` command the README shows, as arguments. */
const readmeCommand = /npx relto (label [^\n]+)/.exec(labelling)![1]!.split(' ');
/** The example bundle the README shows (a report and its label). */
const readmeBundle = JSON.parse(/```json\n([\s\S]+?)\n```/.exec(labelling)![1]!) as {
  objects: { type: string; id: string }[];
};

function errorOf(stderr: string): { code: string; message: string; path: string } {
  const parsed = JSON.parse(stderr) as { error: { code: string; message: string; path: string } };
  expect(Object.keys(parsed.error)).toEqual(expect.arrayContaining(['code', 'message', 'path']));
  return parsed.error;
}

describe('relto label (contracts §5, §6)', () => {
  it('prints the marking-definition in normal form: sorted, de-duplicated, derived id, fixed created', () => {
    const r = runCli([
      'label',
      '--originator',
      'JPN',
      '--classification',
      'GOKUHI',
      '--releasable-to',
      'USA,JPN,USA',
      '--caveat',
      'ORCON',
      '--caveat',
      'NOFORN',
      '--topic',
      'DPRK-NUCLEAR',
      '--topic',
      'DPRK-MISSILE',
      '--purpose',
      'missile defence',
      '--designation',
      'TOKUTEI',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const md = JSON.parse(r.stdout);
    const label = {
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['JPN', 'USA'],
      restrictive: { Designation: ['TOKUTEI'] },
      caveats: ['NOFORN', 'ORCON'] as ('NOFORN' | 'ORCON')[],
      topics: ['DPRK-MISSILE', 'DPRK-NUCLEAR'],
      purpose: 'missile defence',
    };
    expect(md.id).toBe(labelMarkingId(label));
    expect(md.created).toBe(LABEL_CREATED);
    expect(md.created_by_ref).toBe(partyIdentityId('JPN'));
    // What a node checks on a posted label: it is in normal form and its id matches its content.
    expect(markingToLabel(md)).toEqual(label);
    expect(Object.keys(md).sort()).toEqual([
      'created',
      'created_by_ref',
      'extensions',
      'id',
      'spec_version',
      'type',
    ]);
  });

  it('makes the label the README shows for its example bundle', () => {
    const r = runCli(readmeCommand);
    expect(r.status, r.stderr).toBe(0);
    expect(readmeBundle.objects).toContainEqual(JSON.parse(r.stdout));
  });

  it('exits 2 with a typed error naming the option for an unknown party or level, or empty Releasable To', () => {
    const cases: [string[], string, RegExp][] = [
      [['--originator', 'XYZ', '--classification', 'II'], '/originator', /^--originator: /],
      [['--originator', 'KOR', '--classification', 'GOKUHI'], '/classification', /^--classification: .*II/],
      [
        ['--originator', 'KOR', '--classification', 'II', '--releasable-to', 'JPN,ZZZ'],
        '/releasableTo/1',
        /ZZZ/,
      ],
      [
        ['--originator', 'KOR', '--classification', 'II', '--releasable-to', ''],
        '/releasableTo',
        /^--releasable-to: /,
      ],
      [['--originator', 'KOR', '--classification', 'II', '--caveat', 'SECRET'], '/caveats/0', /^--caveat: /],
      [['--originator', 'KOR', '--classification', 'II', '--purpose', ' '], '/purpose', /^--purpose: /],
      [
        ['--originator', 'KOR', '--classification', 'II', '--designation', 'TOKUTEI'],
        '/restrictive/Designation/0',
        /JPN/,
      ],
    ];
    for (const [args, path, message] of cases) {
      const r = runCli(['label', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const error = errorOf(r.stderr);
      expect(error.code).toBe('INVALID_LABEL');
      expect(error.path).toBe(path);
      expect(error.message).toMatch(message);
    }
    const missing = runCli(['label', '--originator', 'KOR']);
    expect(missing.status).toBe(2);
    expect(errorOf(missing.stderr)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('--classification'),
    });
  });
});

describe("the README's labelling example", () => {
  let h: Harness;
  beforeAll(async () => {
    const made = await realNode('sqlite');
    h = await harness(made.node);
    h.close = async () => {
      await h.app.close();
      await made.cleanup();
    };
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("is stored by a KOR node as posted, and read back by KOR's analyst", async () => {
    const res = await h.api('analyst', 'POST', '/api/v1/items', readmeBundle);
    expect(res.statusCode, res.body).toBe(201);
    const report = readmeBundle.objects.find((o) => o.type === 'report')!;
    expect(res.json().successes.map((s: { id: string }) => s.id)).toContain(report.id);
    const got = await h.api('analyst', 'GET', `/api/v1/items/${report.id}`);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().item.name).toBe('Launch assessment: Sinpo, 2 March');
  });
});
