import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from '../../http/app.js';
import { raiseLogRewrittenAlarm } from './test-support/alarms.js';
import { type InProcessNode, inProcessNodes } from './test-support/in-process.js';
import { PASSWORD } from './test-support/three-nodes.js';

/**
 * Issue 10, item 4: alarms raised by the exchange (here a partner's rewritten audit log, R29; after a mistaken
 * partner replacement, heads that no longer check) are listed for security officers and administrators and
 * cleared with a note by a security officer only, audited. Through the node, the API and the CLI.
 */

const bin = fileURLToPath(new URL('../../../bin/relto.js', import.meta.url));

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;
let base: string;
let alarms: string[];

function api(as: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: {
      authorization: `Basic ${Buffer.from(`${as}:${PASSWORD}`).toString('base64')}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  }) as Promise<LightMyRequestResponse>;
}

/** The built CLI, run without blocking this process (the node it talks to runs here). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
    p.stdin.end(`${PASSWORD}\n`);
  });
}

async function auditEntries(node: InProcessNode, action: string) {
  await node.node.flushAudit();
  const rows = await node.node.store.readAudit(0, await node.node.store.auditSize());
  return rows
    .map((r) => JSON.parse(r.entry) as { kind: string; action?: string; actor: string; subjects?: string[] })
    .filter((e) => e.action === action) as {
    kind: string;
    actor: string;
    decision?: string;
    subjects?: string[];
    details?: Record<string, unknown>;
  }[];
}

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN'], { headEveryMs: 300 }));
  alarms = [
    ...(await raiseLogRewrittenAlarm(nodes.KOR!, nodes.JPN!)),
    ...(await raiseLogRewrittenAlarm(nodes.KOR!, nodes.JPN!)),
    ...(await raiseLogRewrittenAlarm(nodes.KOR!, nodes.JPN!)),
  ];
  expect(alarms).toHaveLength(3);
  app = await buildApp(nodes.JPN!.node);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 90_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

describe('alarms: listed, and cleared with a note by a security officer (R29)', () => {
  it('lists raised alarms with their id and status for security officers and administrators; an analyst gets 403', async () => {
    for (const who of ['security', 'admin']) {
      const res = await api(who, 'GET', '/api/v1/exchange/alarms?status=raised');
      expect(res.statusCode).toBe(200);
      const listed = res.json().alarms as { id: string; status: string; alarm: string; party: string }[];
      for (const id of alarms) {
        expect(listed).toContainEqual(
          expect.objectContaining({ id, status: 'raised', alarm: 'LOG_REWRITTEN', party: 'KOR' }),
        );
      }
    }
    const analyst = await api('analyst', 'GET', '/api/v1/exchange/alarms');
    expect(analyst.statusCode).toBe(403);
    expect(analyst.json().error.code).toBe('FORBIDDEN');
  });

  it('only a security officer may clear an alarm: an analyst, a releasing officer and an administrator get 403, audited', async () => {
    const id = alarms[0]!;
    for (const who of ['analyst', 'officer', 'admin']) {
      const res = await api(who, 'POST', `/api/v1/exchange/alarms/${id}/clear`, {
        note: 'not mine to clear',
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    const refusals = (await auditEntries(nodes.JPN!, 'alarm-clear')).filter((e) => e.kind === 'refusal');
    expect(refusals.map((e) => e.actor).sort()).toEqual(['admin', 'analyst', 'officer']);
    const still = (await api('security', 'GET', '/api/v1/exchange/alarms?status=raised')).json().alarms;
    expect(still.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('a security officer clears an alarm with a note: kept as cleared (by, at, note), audited; a second clear is 409', async () => {
    const id = alarms[0]!;
    const note = 'raised while KOR was replaced by mistake; the right keys are back';
    const res = await api('security', 'POST', `/api/v1/exchange/alarms/${id}/clear`, { note });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      status: 'cleared',
      alarm: 'LOG_REWRITTEN',
      cleared: { by: 'security', note },
    });
    const raised = (await api('security', 'GET', '/api/v1/exchange/alarms?status=raised')).json().alarms;
    expect(raised.map((a: { id: string }) => a.id)).not.toContain(id);
    const cleared = (await api('security', 'GET', '/api/v1/exchange/alarms?status=cleared')).json().alarms;
    expect(cleared.map((a: { id: string }) => a.id)).toContain(id);
    const entry = (await auditEntries(nodes.JPN!, 'alarm-clear')).find((e) => e.kind === 'head');
    expect(entry).toMatchObject({
      actor: 'security',
      subjects: [id],
      details: { alarm: 'LOG_REWRITTEN', party: 'KOR', note },
    });
    const again = await api('security', 'POST', `/api/v1/exchange/alarms/${id}/clear`, { note });
    expect(again.statusCode).toBe(409);
  });

  it('refuses a clear without a note, with a property the route does not define (400), or of an unknown alarm (404)', async () => {
    const id = alarms[1]!;
    expect((await api('security', 'POST', `/api/v1/exchange/alarms/${id}/clear`, {})).statusCode).toBe(400);
    expect(
      (await api('security', 'POST', `/api/v1/exchange/alarms/${id}/clear`, { note: '  ' })).statusCode,
    ).toBe(400);
    const extra = await api('security', 'POST', `/api/v1/exchange/alarms/${id}/clear`, {
      note: 'fine',
      refuse: true,
    });
    expect(extra.statusCode).toBe(400);
    const unknown = await api('security', 'POST', '/api/v1/exchange/alarms/no-such-alarm/clear', {
      note: 'x',
    });
    expect(unknown.statusCode).toBe(404);
    const raised = (await api('security', 'GET', '/api/v1/exchange/alarms?status=raised')).json().alarms;
    expect(raised.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('relto client alarms lists them; clear-alarm clears with --note as a security officer (exit 0) and exits 1 FORBIDDEN for an analyst', async () => {
    const id = alarms[2]!;
    const listed = await cli([
      'client',
      'alarms',
      '--status',
      'raised',
      '--node',
      base,
      '--user',
      'security',
    ]);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout).alarms.map((a: { id: string }) => a.id)).toContain(id);
    const denied = await cli([
      'client',
      'clear-alarm',
      id,
      '--note',
      'mine',
      '--node',
      base,
      '--user',
      'analyst',
    ]);
    expect(denied.status).toBe(1);
    expect(JSON.parse(denied.stderr).error.code).toBe('FORBIDDEN');
    const cleared = await cli([
      'client',
      'clear-alarm',
      id,
      '--note',
      'checked with KOR by phone',
      '--node',
      base,
      '--user',
      'security',
    ]);
    expect(cleared.status).toBe(0);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ id, status: 'cleared', cleared: { by: 'security' } });
    const noNote = await cli(['client', 'clear-alarm', id, '--node', base, '--user', 'security']);
    expect(noNote.status).not.toBe(0);
  });
});
