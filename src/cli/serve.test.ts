import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE } from '../http/test-support/fixtures.js';
import { realNode } from '../http/test-support/nodes.js';
import { createDemoCa, issueCertificate } from '../identity/index.js';
import { runCli } from './test-support/run-cli.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));
const analyst = PEOPLE.find((p) => p.name === 'analyst')!;
const basic = `Basic ${Buffer.from(`${analyst.name}:${analyst.password}`).toString('base64')}`;

interface Served {
  child: ChildProcessWithoutNullStreams;
  where: { http: string };
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Starts `relto serve` over a node folder and waits for the line saying where it listens. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--log', 'silent', ...args]);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) {
        resolve({
          child,
          where: JSON.parse(stdout.split('\n')[0]!),
          stderr: () => stderr,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

/** One HTTPS request that trusts only `ca`. */
function overTls(
  url: string,
  ca: string,
  method: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dataDir: string;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const made = await realNode('sqlite');
  await made.node.close();
  dataDir = made.dataDir;
  cleanup = made.cleanup;
  dir = mkdtempSync(join(tmpdir(), 'relto-serve-'));
}, 60_000);

afterAll(async () => {
  await cleanup?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('relto serve: where and how it listens', () => {
  it('listens on this machine only (127.0.0.1) unless told otherwise', async () => {
    const help = runCli(['serve', '--help']);
    expect(help.stdout).toMatch(/--http <host:port>[\s\S]*default:\s+"127\.0\.0\.1:7410"/);
    // Started without --http, it binds the loopback default (or, if another node holds that port, says so).
    const started = await serve(['--data', dataDir]).catch((e: Error) => e);
    if (started instanceof Error) {
      expect(started.message).toContain('127.0.0.1:7410');
    } else {
      expect(started.where.http).toBe('http://127.0.0.1:7410');
      expect(started.stderr()).not.toMatch(/warning/);
      expect(await started.stop()).toBe(0);
    }
  }, 60_000);

  it('warns in one line on stderr when told to listen beyond this machine without TLS', async () => {
    const s = await serve(['--data', dataDir, '--http', '0.0.0.0:0']);
    const warnings = s
      .stderr()
      .split('\n')
      .filter((l) => /warning/.test(l));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/0\.0\.0\.0:0 without TLS/);
    expect(await s.stop()).toBe(0);
  }, 60_000);

  it('serves HTTPS with --tls-cert/--tls-key, without the warning, and its tokens live --token-hours', async () => {
    const ca = await createDemoCa({ commonName: 'relto test CA' });
    const server = await issueCertificate(ca, { commonName: 'relto test node', kind: 'server' });
    const cert = join(dir, 'node.pem');
    const key = join(dir, 'node.key');
    writeFileSync(cert, server.certPem);
    writeFileSync(key, server.keyPem, { mode: 0o600 });
    const s = await serve([
      '--data',
      dataDir,
      '--http',
      '0.0.0.0:0',
      '--tls-cert',
      cert,
      '--tls-key',
      key,
      '--token-hours',
      '2',
    ]);
    try {
      expect(s.where.http).toMatch(/^https:\/\//);
      expect(s.stderr()).not.toMatch(/warning/);
      const url = s.where.http.replace('0.0.0.0', '127.0.0.1');
      const before = Date.now();
      const signedIn = await overTls(`${url}/api/v1/session`, ca.certPem, 'POST', { authorization: basic });
      expect(signedIn.status).toBe(201);
      const lives = Date.parse(JSON.parse(signedIn.body).expiresAt) - before;
      expect(lives).toBeGreaterThan(2 * 3_600_000 - 60_000);
      expect(lives).toBeLessThanOrEqual(2 * 3_600_000 + 60_000);
      // Plain HTTP on the TLS port gets nothing.
      await expect(fetch(`${url.replace('https', 'http')}/healthz`)).rejects.toThrow();
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);

  it('gives tokens 8 hours by default', async () => {
    const s = await serve(['--data', dataDir, '--http', '127.0.0.1:0']);
    try {
      const before = Date.now();
      const res = await fetch(`${s.where.http}/api/v1/session`, {
        method: 'POST',
        headers: { authorization: basic },
      });
      expect(res.status).toBe(201);
      const lives = Date.parse(((await res.json()) as { expiresAt: string }).expiresAt) - before;
      expect(Math.round(lives / 60_000)).toBe(8 * 60);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);

  it('restricts /metrics to --metrics-token (401 in the error envelope without it) and turns it off with --metrics off', async () => {
    const token = 'scrape-token-0123456789';
    const guarded = await serve(['--data', dataDir, '--http', '127.0.0.1:0', '--metrics-token', token]);
    try {
      const none = await fetch(`${guarded.where.http}/metrics`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const bearing = await fetch(`${guarded.where.http}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(bearing.status).toBe(200);
      expect(await bearing.text()).toContain('relto_http_requests_total');
    } finally {
      expect(await guarded.stop()).toBe(0);
    }
    const off = await serve(['--data', dataDir, '--http', '127.0.0.1:0', '--metrics', 'off']);
    try {
      const res = await fetch(`${off.where.http}/metrics`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    } finally {
      expect(await off.stop()).toBe(0);
    }
  }, 60_000);

  it('refuses a bad --token-hours, a lone --tls-cert and a short --metrics-token with exit 2', () => {
    for (const args of [
      ['--token-hours', '0'],
      ['--tls-cert', join(dir, 'missing.pem')],
      ['--metrics-token', 'short'],
      ['--metrics', 'maybe'],
    ]) {
      const r = runCli(['serve', '--data', dataDir, '--http', '127.0.0.1:0', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('relto serve: news feeds', () => {
  it('polls the feeds that are due as soon as it serves, and their items are read through the API', async () => {
    const file = join(dir, 'feed.xml');
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Served Wire</title><link>http://x/</link><description>d</description>
<item><guid>sw-1</guid><title>Exercise off the coast</title><description>Ships sailed.</description></item></channel></rss>`,
    );
    const added = runCli(['feed', 'add', '--data', dataDir, '--file', file]);
    expect(added.status, added.stderr).toBe(0);
    const s = await serve(['--data', dataDir, '--http', '127.0.0.1:0']);
    try {
      let names: string[] = [];
      for (let i = 0; i < 50 && names.length === 0; i++) {
        const res = await fetch(`${s.where.http}/api/v1/items?type=report`, {
          headers: { authorization: basic },
        });
        names = ((await res.json()) as { items: { name: string }[] }).items
          .map((o) => o.name)
          .filter((n) => n === 'Exercise off the coast');
        if (names.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(names).toEqual(['Exercise off the coast']);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});
