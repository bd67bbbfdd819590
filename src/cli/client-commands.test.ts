import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp, TAXII_MEDIA_TYPE } from '../http/index.js';
import {
  bundle,
  LOW_LABEL,
  LOW_MARK,
  mixedReport,
  PEOPLE,
  SECRET_LABEL,
  SECRET_MARK,
  secretReport,
} from '../http/test-support/fixtures.js';
import { realNode } from '../http/test-support/nodes.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary asynchronously (the server answering it lives in this process). */
function relto(args: string[], input = ''): Promise<Run> {
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

const password = (name: string) => `${PEOPLE.find((p) => p.name === name)!.password}\n`;

describe('relto client against a real listening node', () => {
  let app: ReltoApp;
  let url: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  const mixed = [mixedReport(1), mixedReport(2)];
  const secret = [secretReport(1)];
  const as = (name: string) => ['--node', url, '--user', name];

  beforeAll(async () => {
    const made = await realNode('sqlite');
    cleanup = made.cleanup;
    app = await buildApp(made.node);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
    dir = mkdtempSync(join(tmpdir(), 'relto-client-'));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts a bundle and prints the stored ids', async () => {
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(bundle([...mixed, ...secret])));
    const r = await relto(['client', 'post', file, ...as('analyst')], password('analyst'));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const o of [...mixed, ...secret]) expect(out.ids).toContain(o.id);
  });

  it('lists for analyst-low the CONFIDENTIAL parts only, never SECRET content (R7, R10)', async () => {
    for (const extra of [[], ['--type', 'report']]) {
      const r = await relto(['client', 'list', ...extra, ...as('analyst-low')], password('analyst-low'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).not.toContain(SECRET_MARK);
      expect(r.stdout).toContain(LOW_MARK);
      const ids = JSON.parse(r.stdout).items.map((o: { id: string }) => o.id);
      for (const o of mixed) expect(ids).toContain(o.id);
      for (const o of secret) expect(ids).not.toContain(o.id);
    }
    const high = await relto(['client', 'list', '--type', 'report', ...as('analyst')], password('analyst'));
    expect(high.stdout).toContain(SECRET_MARK);
  });

  it('gets a mixed report redacted for analyst-low; a SECRET one is refused as not found (exit 1)', async () => {
    const ok = await relto(['client', 'get', mixed[0]!.id, ...as('analyst-low')], password('analyst-low'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('"withheld": true');
    expect(ok.stdout).not.toContain(SECRET_MARK);
    const hidden = await relto(
      ['client', 'get', secret[0]!.id, ...as('analyst-low')],
      password('analyst-low'),
    );
    expect(hidden.status).toBe(1);
    expect(JSON.parse(hidden.stderr).error.code).toBe('NOT_FOUND');
    expect(hidden.stderr + hidden.stdout).not.toContain(SECRET_MARK);
  });

  it('decides for the signed-in person whatever principal the file names', async () => {
    const file = join(dir, 'request.json');
    writeFileSync(
      file,
      JSON.stringify({
        at: '2026-03-01T00:00:00Z',
        principal: { id: 'someone', party: 'KOR', clearance: 'I', roles: ['analyst'], official: true },
        action: 'read',
        item: { label: SECRET_LABEL },
      }),
    );
    const low = await relto(['client', 'decide', file, ...as('analyst-low')], password('analyst-low'));
    expect(low.status, low.stderr).toBe(0); // a deny is a successful answer (contracts §5)
    expect(JSON.parse(low.stdout).decision).toBe('deny');
    expect(JSON.parse(low.stdout).reasons.map((r: { code: string }) => r.code)).toContain(
      'CLEARANCE_TOO_LOW',
    );
    writeFileSync(
      file,
      JSON.stringify({ at: '2026-03-01T00:00:00Z', action: 'read', item: { label: LOW_LABEL } }),
    );
    const permit = await relto(['client', 'decide', file, ...as('analyst-low')], password('analyst-low'));
    expect(JSON.parse(permit.stdout).decision).toBe('permit');
  });

  it('exits 2 on malformed input and 1 when the node refuses, naming the code on stderr', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"objects": [');
    const malformed = await relto(['client', 'post', notJson, ...as('analyst')], password('analyst'));
    expect(malformed.status).toBe(2);
    expect(JSON.parse(malformed.stderr).error.code).toBe('MALFORMED_REQUEST');

    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify(bundle([{ ...mixedReport(9), published: 'not a date' }])));
    const refusedStix = await relto(['client', 'post', invalid, ...as('analyst')], password('analyst'));
    expect(refusedStix.status).toBe(2);

    const wrong = await relto(['client', 'list', ...as('analyst')], 'not-the-password\n');
    expect(wrong.status).toBe(1);
    expect(JSON.parse(wrong.stderr).error.code).toBe('UNAUTHENTICATED');

    const later = await relto(
      ['client', 'release', mixed[0]!.id, '--to', 'JPN', ...as('analyst')],
      password('analyst'),
    );
    expect(later.status).toBe(1);
    expect(JSON.parse(later.stderr).error.code).toBe('NOT_IMPLEMENTED');

    const noUser = await relto(['client', 'list', '--node', url], '');
    expect(noUser.status).toBe(2);
  });

  it('serves TAXII over the socket: analyst-low receives no SECRET content', async () => {
    const auth = `Basic ${Buffer.from(`analyst-low:${password('analyst-low').trim()}`).toString('base64')}`;
    const discovery = await fetch(`${url}/taxii2/`, {
      headers: { accept: TAXII_MEDIA_TYPE, authorization: auth },
    });
    expect(discovery.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
    const root = ((await discovery.json()) as { default: string }).default;
    const collections = (await (
      await fetch(`${root}collections/`, { headers: { authorization: auth } })
    ).json()) as {
      collections: { id: string }[];
    };
    const objectsUrl = `${root}collections/${collections.collections[0]!.id}/objects/`;
    const res = await fetch(objectsUrl, { headers: { accept: TAXII_MEDIA_TYPE, authorization: auth } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain(LOW_MARK);
    expect(text).not.toContain(SECRET_MARK);
  });
});

describe('relto serve', () => {
  it('prints where it listens, answers /healthz, and exits 0 on SIGTERM', async () => {
    const made = await realNode('sqlite');
    const dataDir = made.dataDir;
    await made.node.close();
    const child = spawn(process.execPath, [
      bin,
      'serve',
      '--data',
      dataDir,
      '--http',
      '127.0.0.1:0',
      '--log',
      'silent',
    ]);
    const first = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('close', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const where = JSON.parse(first);
    expect(where.party).toBe('KOR');
    const health = await fetch(`${where.http}/healthz`);
    expect(await health.json()).toEqual({
      status: 'ok',
      party: 'KOR',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('refuses a malformed --http with exit 2', async () => {
    const r = await relto(['serve', '--data', '/nonexistent', '--http', 'nowhere']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
  });
});
