import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNode } from '../node/index.js';
import { HIGH_ID, labelMarkings, mixedReport } from '../node/test-support/node-harness.js';
import { runCli as runWithEnv } from './test-support/run-cli.js';

/** These tests prove the SQLite folder: a RELTO_PG_URL in the environment must not send `node init` to PG. */
function runCli(args: string[], input?: string) {
  const saved = process.env.RELTO_PG_URL;
  delete process.env.RELTO_PG_URL;
  try {
    return runWithEnv(args, input);
  } finally {
    if (saved !== undefined) process.env.RELTO_PG_URL = saved;
  }
}

describe('relto node init, user add|set, audit verify (contracts §5)', () => {
  let root: string;
  let data: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'relto-cli-node-'));
    data = join(root, 'kor');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('node init makes keys readable by the owner only, node.json, the registry and the store', () => {
    const r = runCli(['node', 'init', '--party', 'KOR', '--data', data]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ party: 'KOR', store: 'sqlite' });
    for (const f of ['node.key', 'signing.jwk'])
      expect(statSync(join(data, 'keys', f)).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'relto.db')).isFile()).toBe(true);
    const again = runCli(['node', 'init', '--party', 'KOR', '--data', data]);
    expect(again.status).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('CONFLICT');
  });

  it('node init refuses an unknown party (exit 2)', () => {
    const r = runCli(['node', 'init', '--party', 'XYZ', '--data', join(root, 'xyz')]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/party' });
  });

  it('user add takes the password on standard input; the clearance must be a level of the node scheme', () => {
    const ok = runCli(
      [
        'user',
        'add',
        '--data',
        data,
        '--name',
        'analyst',
        '--clearance',
        'II',
        '--roles',
        'analyst',
        '--compartment',
        'BMD',
      ],
      'a good password\n',
    );
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      name: 'analyst',
      party: 'KOR',
      clearance: 'II',
      roles: ['analyst'],
      restrictive: { Compartment: ['BMD'] },
      official: true,
    });
    expect(ok.stdout).not.toContain('scrypt');
    const bad = runCli(
      ['user', 'add', '--data', data, '--name', 'x', '--clearance', 'GOKUHI', '--roles', 'analyst'],
      'a good password\n',
    );
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr).error.path).toBe('/clearance');
    const badRole = runCli(
      ['user', 'add', '--data', data, '--name', 'y', '--clearance', 'II', '--roles', 'king'],
      'a good password\n',
    );
    expect(badRole.status).toBe(2);
    const noData = runCli(
      ['user', 'add', '--data', join(root, 'none'), '--name', 'z', '--clearance', 'II', '--roles', 'analyst'],
      'pw pw pw pw\n',
    );
    expect(JSON.parse(noData.stderr).error.code).toBe('NODE_NOT_INITIALISED');
  });

  it('R36: user set from another process cuts what an open token of that person sees, at once', async () => {
    const node = await openNode({ dataDir: data });
    try {
      const analyst = (await node.authenticateBasic('analyst', 'a good password'))!;
      const { token } = await node.issueToken(analyst, 'token');
      const doc = mixedReport();
      await node.postObjects(analyst, [...labelMarkings(), doc]);
      const before = await node.getObject((await node.authenticateToken(token))!, doc.id, {});
      expect(JSON.stringify(before)).toContain(HIGH_ID);
      const changed: string[] = [];
      node.onPersonChanged((name) => changed.push(name));

      const r = runCli(['user', 'set', '--data', data, '--name', 'analyst', '--clearance', 'III']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ clearance: 'III', version: 2 });

      // The same token, the same held Person object: both now see only the CONFIDENTIAL tier.
      const person = (await node.authenticateToken(token))!;
      expect(person.clearance).toBe('III');
      expect(changed).toEqual(['analyst']);
      const after = await node.getObject(person, doc.id, {});
      expect(after.objects).toHaveLength(1);
      expect(JSON.stringify(after)).not.toContain(HIGH_ID);
      expect(JSON.stringify(await node.getObject(analyst, doc.id, {}))).not.toContain(HIGH_ID);
      // Cached Basic credentials are dropped too: the same password signs in as the lowered person.
      expect((await node.authenticateBasic('analyst', 'a good password'))!.clearance).toBe('III');

      expect(runCli(['user', 'set', '--data', data, '--name', 'analyst', '--disable']).status).toBe(0);
      expect(await node.authenticateToken(token)).toBeNull();
      expect(await node.authenticateBasic('analyst', 'a good password')).toBeNull();
      await expect(node.listObjects(analyst, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await node.close();
    }
  });

  it('audit verify prints the verified head, and names the entry edited by hand (exit 1)', () => {
    const ok = runCli(['audit', 'verify', '--data', data]);
    expect(ok.status).toBe(0);
    const verified = JSON.parse(ok.stdout);
    expect(verified.ok).toBe(true);
    expect(verified.head.treeSize).toBe(verified.size);
    const db = new Database(join(data, 'relto.db'));
    try {
      const row = db
        .prepare('SELECT idx FROM audit_log WHERE entry LIKE \'%"kind":"person"%\' ORDER BY idx LIMIT 1')
        .get() as {
        idx: number;
      };
      db.prepare(
        'UPDATE audit_log SET entry = replace(entry, \'"analyst"\', \'"mallory"\') WHERE idx = ?',
      ).run(row.idx);
      const bad = runCli(['audit', 'verify', '--data', data]);
      expect(bad.status).toBe(1);
      const error = JSON.parse(bad.stderr).error;
      expect(error).toMatchObject({ code: 'AUDIT_LOG_ALTERED', path: `/entries/${row.idx}` });
      expect(error.details).toMatchObject({ index: row.idx, failure: 'altered' });
    } finally {
      db.close();
    }
  });
});
