import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, labelledReport, TestNode } from '../node/exchange/test-support/three-nodes.js';
import { runCli as runWithEnv } from './test-support/run-cli.js';

function runCli(args: string[], input?: string) {
  const saved = process.env.RELTO_PG_URL;
  delete process.env.RELTO_PG_URL;
  try {
    return runWithEnv(args, input);
  } finally {
    if (saved !== undefined) process.env.RELTO_PG_URL = saved;
  }
}

const root = mkdtempSync(join(tmpdir(), 'relto-cli-exchange-'));
const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('relto node key, partner add, client release/approve (contracts §5)', () => {
  it('two nodes set up and paired with the CLI alone release an item KOR → JPN; R34 refuses self-approval (exit 1, FOUR_EYES)', async () => {
    const parties = { KOR: 'II', JPN: 'GOKUHI' } as const;
    const ports: Record<string, number> = {};
    for (const party of Object.keys(parties)) {
      const data = join(root, party);
      expect(runCli(['node', 'init', '--party', party, '--data', data]).status).toBe(0);
      const key = runCli(['node', 'key', '--data', data]);
      expect(key.status).toBe(0);
      const identity = JSON.parse(key.stdout) as {
        party: string;
        signingKey: { crv: string };
        tlsCa: string;
      };
      expect(identity.party).toBe(party);
      expect(identity.signingKey.crv).toBe('Ed25519');
      expect(key.stdout).not.toContain('"d"'); // public keys only
      writeFileSync(join(root, `${party}.key.json`), key.stdout);
      for (const [name, roles] of [
        ['analyst', 'analyst'],
        ['officer', 'releasing-officer'],
      ]) {
        const u = runCli(
          [
            'user',
            'add',
            '--data',
            data,
            '--name',
            name!,
            '--clearance',
            parties[party as 'KOR'],
            '--roles',
            roles!,
          ],
          'cli-password-1\n',
        );
        expect(u.status).toBe(0);
      }
      ports[party] = await freePort();
    }
    // Each node's own CA made at first `node key`: each partner's CA is trusted for its party only.
    for (const [a, b] of [
      ['KOR', 'JPN'],
      ['JPN', 'KOR'],
    ]) {
      const r = runCli([
        'partner',
        'add',
        '--data',
        join(root, a!),
        '--url',
        `https://127.0.0.1:${ports[b!]}`,
        '--key',
        join(root, `${b}.key.json`),
      ]);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).party).toBe(b);
    }
    const bad = runCli([
      'partner',
      'add',
      '--data',
      join(root, 'KOR'),
      '--url',
      'http://x',
      '--key',
      join(root, 'JPN.key.json'),
    ]);
    expect(bad.status).toBe(2);
    for (const party of Object.keys(parties)) {
      const n = new TestNode(party, join(root, party), ports[party]!);
      nodes.push(n);
      await n.start();
    }
    const [kor, jpn] = nodes as [TestNode, TestNode];
    const { report, bundle } = labelledReport({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    });
    const file = join(root, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    const as = (node: TestNode, user: string, args: string[]) =>
      runCli(['client', ...args, '--node', node.http, '--user', user], 'cli-password-1\n');
    expect(as(kor, 'analyst', ['post', file]).status).toBe(0);
    // R34: the officer files, then may not approve it.
    const own = JSON.parse(as(kor, 'officer', ['release', report.id, '--to', 'JPN']).stdout) as {
      id: string;
    };
    const refused = as(kor, 'officer', ['approve', own.id]);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stderr).error.code).toBe('FOUR_EYES');
    const filed = as(kor, 'analyst', ['release', report.id, '--to', 'JPN']);
    expect(filed.status).toBe(0);
    const request = JSON.parse(filed.stdout) as { id: string; status: string };
    expect(request.status).toBe('pending');
    const approved = as(kor, 'officer', ['approve', request.id]);
    expect(approved.status).toBe(0);
    expect(JSON.parse(approved.stdout).status).toBe('pending');
    let got = as(jpn, 'analyst', ['get', report.id]);
    for (let i = 0; i < 100 && got.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      got = as(jpn, 'analyst', ['get', report.id]);
    }
    expect(got.status).toBe(0);
    expect(got.stdout).toContain('GOKUHI');
  }, 120_000);
});
