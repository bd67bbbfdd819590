import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { realNode } from '../http/test-support/nodes.js';
import { issueCertificate, loadIdentity } from '../identity/index.js';
import { parseCot } from '../track/index.js';
import { takClient, waitFor } from '../track/test-support/three-nodes.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args]);
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
  });
}

describe('relto serve --cot-tls --cot-tcp and relto simulate launch', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves CoT from the node’s identity; a simulated launch reaches a TAK client, stripped (R30); R36 from another process cuts it', async () => {
    const made = await realNode('sqlite');
    dirs.push(made.dataDir);
    await made.node.close();
    const child = spawn(process.execPath, [
      bin,
      'serve',
      '--data',
      made.dataDir,
      '--http',
      '127.0.0.1:0',
      '--cot-tls',
      '0',
      '--cot-tcp',
      '0',
      '--log',
      'warn',
    ]);
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('close', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const where = JSON.parse(first) as { cotTls: number; cotTcp: number; nats: string | null };
      expect(where.cotTls).toBeGreaterThan(0);
      expect(where.cotTcp).toBeGreaterThan(0);
      // The node made its identity at first start (its own CA): a TAK client certificate for `analyst`.
      const identity = loadIdentity(made.dataDir, 'KOR');
      const ca = { certPem: identity.tls.ca.certPem, keyPem: identity.tls.ca.keyPem! };
      const cert = await issueCertificate(ca, { commonName: 'analyst', kind: 'client' });
      const client = await takClient(where.cotTls, cert, ca.certPem);
      // The person lookup is asynchronous: a ping's answer says the node has registered the client.
      client.send(
        '<event version="2.0" uid="ping" type="t-x-c-t" how="h-g-i-g-o" time="2026-01-01T00:00:00Z" start="2026-01-01T00:00:00Z" stale="2030-01-01T00:00:00Z"><point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/><detail/></event>',
      );
      await waitFor(() => client.events.length > 0);
      const r = await run([
        'simulate',
        'launch',
        '--date',
        '2017-02-12',
        '--rate',
        '2',
        '--speedup',
        '200',
        '--to',
        `127.0.0.1:${where.cotTcp}`,
      ]);
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as { sent: number; uid: string };
      expect(summary.sent).toBeGreaterThan(1000); // 718 s of flight at 2 updates a second
      await waitFor(() => client.events.length === summary.sent + 1, 10_000).catch((e) => {
        throw new Error(`${e} got ${client.events.length} of ${summary.sent}: ${log.slice(0, 2000)}`);
      });
      const tracks = client.events.slice(1).map((e) => parseCot(e));
      expect(new Set(tracks.map((t) => t.uid))).toEqual(new Set([summary.uid]));
      expect(tracks.every((t) => t.details === undefined && t.impact !== undefined)).toBe(true);
      expect(client.raw().toString('utf8')).not.toMatch(/Green Pine|__sensor|Pre-launch/);
      // R36 across processes: `relto user set` in another process cuts the open CoT stream.
      const set = await run([
        'user',
        'set',
        '--data',
        made.dataDir,
        '--name',
        'analyst',
        '--clearance',
        'III',
      ]);
      expect(set.status, set.stderr).toBe(0);
      await waitFor(() => client.closed, 3000);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);

  it('refuses a launch that is not in the file with exit 2', async () => {
    const r = await run(['simulate', 'launch', '--row', '9999']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
  });
});
