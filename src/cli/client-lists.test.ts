import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from '../http/index.js';
import { type InProcessNode, inProcessNodes } from '../node/exchange/test-support/in-process.js';
import { labelledReport, PASSWORD } from '../node/exchange/test-support/three-nodes.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function relto(args: string[], input = `${PASSWORD}\n`): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await relto(args);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('relto client lists what an officer needs, from a KOR node with its exchange', () => {
  let kor: InProcessNode;
  let app: ReltoApp;
  let url: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  const { report, bundle } = labelledReport({
    originator: 'KOR',
    classification: 'II',
    releasableTo: ['KOR', 'JPN'],
    topics: ['DPRK-MISSILE'],
  });
  const as = (name: string) => ['--node', url, '--user', name];

  beforeAll(async () => {
    const made = await inProcessNodes(['KOR', 'JPN']);
    cleanup = made.cleanup;
    kor = made.nodes.KOR!;
    app = await buildApp(kor.node);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    dir = mkdtempSync(join(tmpdir(), 'relto-lists-'));
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle));
    await ok(['client', 'post', file, ...as('analyst')]);
    await ok(['client', 'release', report.id, '--to', 'JPN', ...as('analyst')]);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('releases: the pending request with --state pending, none with another state', async () => {
    const pending = (await ok(['client', 'releases', '--state', 'pending', ...as('officer')])) as {
      requests: { status: string; items?: string[]; item?: string; to: string }[];
    };
    expect(pending.requests).toHaveLength(1);
    expect(pending.requests[0]).toMatchObject({ status: 'pending', to: 'JPN' });
    expect(JSON.stringify(pending.requests[0])).toContain(report.id);
    const all = (await ok(['client', 'releases', ...as('officer')])) as { requests: unknown[] };
    expect(all.requests).toHaveLength(1);
    const none = (await ok(['client', 'releases', '--state', 'refused', ...as('officer')])) as {
      requests: unknown[];
    };
    expect(none.requests).toEqual([]);
  }, 60_000);

  it('consents: incoming and outgoing consent requests (none yet)', async () => {
    expect(await ok(['client', 'consents', '--state', 'pending', ...as('officer')])).toEqual({
      incoming: [],
      outgoing: [],
    });
  }, 60_000);

  it('custody: the records of an item after a copy', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/items/${report.id}/custody/copy`,
      headers: {
        authorization: `Basic ${Buffer.from(`analyst:${PASSWORD}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      payload: '{}',
    });
    expect(res.statusCode, res.body).toBe(201);
    const out = (await ok(['client', 'custody', report.id, ...as('analyst')])) as {
      records: { kind: string }[];
    };
    expect(out.records.map((r) => r.kind)).toContain('copy');
  }, 60_000);

  it('compromises: the reports made here and those received, for a security officer', async () => {
    expect(await ok(['client', 'compromises', ...as('security')])).toEqual({ reports: [], received: [] });
  }, 60_000);

  it('audit: the latest entries with the signed head, a range, and only their own entries for an analyst', async () => {
    const latest = (await ok(['client', 'audit', ...as('security')])) as {
      head: { treeSize: number };
      from: number;
      to: number;
      entries: { index: number }[];
    };
    expect(latest.head.treeSize).toBeGreaterThan(0);
    expect(latest.to).toBe(latest.head.treeSize);
    expect(latest.entries.map((e) => e.index)).toEqual(
      Array.from({ length: latest.to - latest.from }, (_, i) => latest.from + i),
    );
    const range = (await ok(['client', 'audit', '--from', '0', '--to', '2', ...as('security')])) as {
      entries: { index: number }[];
    };
    expect(range.entries.map((e) => e.index)).toEqual([0, 1]);
    // R35: an analyst sees the same head and only the entries of their own acts.
    const own = (await ok(['client', 'audit', '--from', '0', '--to', '100000', ...as('analyst')])) as {
      head: { treeSize: number };
      entries: { entry: { actor: string } }[];
    };
    expect(own.head.treeSize).toBeGreaterThan(0);
    expect(own.entries.every((e) => e.entry.actor === 'analyst')).toBe(true);
    // A malformed range is refused before any password is read.
    const bad = await relto(['client', 'audit', '--from', 'x', ...as('security')], '');
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stderr).error).toMatchObject({ code: 'INVALID_ARGUMENT', path: '/from' });
  }, 60_000);
});
