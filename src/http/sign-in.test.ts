import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNode, openNode, type ReltoNode } from '../node/index.js';
import { buildApp, type ReltoApp } from './index.js';
import { TRACK_STREAM_PATH } from './ws.js';

/*
 * Sign-in safety, tried from the outside over a listening port: every sign-in path (the API's session, TAXII's
 * HTTP Basic, the track stream's credentials) goes through one password check that audits refusals (R29)
 * and holds back a name or an address after too many failures; tokens expire. Each test calls from its own
 * loopback address (127.0.0.x), so the per-address counts of one test never touch another's.
 */

const WINDOW_MS = 60_000;
const PASSWORD = 'right-password-1';
let clock = Date.parse('2026-12-07T09:00:00.000Z');
let dataDir: string;
let node: ReltoNode;
let app: ReltoApp;
let port: number;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function basic(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

/** One HTTP request from `from` (a loopback address) to the node. */
function call(
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, localAddress: from }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the track stream from `from`: 'open' when signed in, else the refusal's status, headers and body. */
function stream(from: string, headers: Record<string, string>, query = ''): Promise<'open' | Answer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${TRACK_STREAM_PATH}${query}`, {
      headers,
      localAddress: from,
    });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.once('error', reject);
  });
}

const session = (from: string, name: string, password: string) =>
  call(from, 'POST', '/api/v1/session', { authorization: basic(name, password) });
const discovery = (from: string, name: string, password: string) =>
  call(from, 'GET', '/taxii2/', {
    accept: 'application/taxii+json;version=2.1',
    authorization: basic(name, password),
  });

function code(a: Answer): string {
  const body = JSON.parse(a.body) as { error?: { code: string }; error_code?: string };
  return body.error?.code ?? body.error_code ?? '';
}

/** The audit log's refused sign-ins, once the group commit has written them. */
async function signInRefusals(): Promise<Record<string, unknown>[]> {
  const officer = (await node.authenticateBasic('security', PASSWORD))!;
  const head = await node.auditHead(officer);
  const entries = await node.auditEntries(officer, 0, head.treeSize);
  return entries
    .map((e) => e.entry as unknown as Record<string, unknown>)
    .filter((e) => e.action === 'sign-in' && e.kind === 'refusal');
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await fn();
    if (ok(v) || i > 100) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relto-sign-in-'));
  await createNode({ dataDir, party: 'KOR' });
  node = await openNode({
    dataDir,
    now: () => clock,
    tokenHours: 1,
    signIn: { perPerson: 3, perAddress: 10, windowMs: WINDOW_MS },
  });
  for (const name of ['security', 'p-api', 'p-taxii', 'p-ws', 'p-reset', 'p-addr', 'p-token', 'p-audit']) {
    await node.admin.addUser({
      name,
      password: PASSWORD,
      clearance: 'II',
      roles: name === 'security' ? ['security-officer'] : ['analyst'],
    });
  }
  app = await buildApp(node);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await node?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sign-in safety', () => {
  it('R29: a refused sign-in is audited with the name tried, the address and the reason, never the password', async () => {
    const from = '127.0.0.2';
    expect((await session(from, 'p-audit', 'guess-number-one')).status).toBe(401);
    expect((await session(from, 'nobody-here', 'guess-number-two')).status).toBe(401);
    const refusals = await eventually(signInRefusals, (r) => r.length >= 2);
    const mine = refusals.filter((e) => (e.details as { address: string }).address === from);
    expect(mine.map((e) => [e.subjects, e.reasons, e.details, e.decision])).toEqual([
      [['p-audit'], ['WRONG_PASSWORD'], { user: 'p-audit', address: from }, 'deny'],
      [['nobody-here'], ['UNKNOWN_USER'], { user: 'nobody-here', address: from }, 'deny'],
    ]);
    expect(JSON.stringify(refusals)).not.toMatch(/guess-number/);
  });

  it('POST /api/v1/session: after 3 failures the name gets 429 TOO_MANY_ATTEMPTS with Retry-After, even with the right password, until the window passes', async () => {
    const from = '127.0.0.3';
    for (let i = 0; i < 3; i++)
      expect((await session(from, 'p-api', `wrong-${i}-password`)).status).toBe(401);
    const held = await session(from, 'p-api', PASSWORD);
    expect(held.status).toBe(429);
    expect(code(held)).toBe('TOO_MANY_ATTEMPTS');
    expect(held.headers['retry-after']).toBe(String(WINDOW_MS / 1000));
    // The name is held back from any address, not only the one that failed.
    expect((await session('127.0.0.13', 'p-api', PASSWORD)).status).toBe(429);
    const refusals = await eventually(signInRefusals, (r) =>
      r.some((e) => (e.reasons as string[])[0] === 'TOO_MANY_ATTEMPTS'),
    );
    expect(refusals.some((e) => (e.reasons as string[])[0] === 'TOO_MANY_ATTEMPTS')).toBe(true);
    clock += WINDOW_MS + 1000;
    const after = await session(from, 'p-api', PASSWORD);
    expect(after.status).toBe(201);
  });

  it('a success clears the name’s failures', async () => {
    const from = '127.0.0.4';
    for (let i = 0; i < 2; i++)
      expect((await session(from, 'p-reset', `wrong-${i}-password`)).status).toBe(401);
    expect((await session(from, 'p-reset', PASSWORD)).status).toBe(201);
    // Without the reset these two would make four failures in the window and the sign-in below a 429.
    for (let i = 0; i < 2; i++)
      expect((await session(from, 'p-reset', `again-${i}-password`)).status).toBe(401);
    expect((await session(from, 'p-reset', PASSWORD)).status).toBe(201);
  });

  it('TAXII with HTTP Basic is held back the same way, in a TAXII error message with Retry-After', async () => {
    const from = '127.0.0.5';
    for (let i = 0; i < 3; i++)
      expect((await discovery(from, 'p-taxii', `wrong-${i}-password`)).status).toBe(401);
    const held = await discovery(from, 'p-taxii', PASSWORD);
    expect(held.status).toBe(429);
    expect(code(held)).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_MS / 1000);
  });

  it('the track stream’s credentials are held back the same way: 429 in the error envelope with Retry-After', async () => {
    const from = '127.0.0.6';
    for (let i = 0; i < 3; i++) {
      const refused = await stream(from, { authorization: basic('p-ws', `wrong-${i}-password`) });
      expect(refused !== 'open' && refused.status).toBe(401);
    }
    const held = await stream(from, { authorization: basic('p-ws', PASSWORD) });
    if (held === 'open') throw new Error('the stream opened for a held-back name');
    expect(held.status).toBe(429);
    expect(JSON.parse(held.body).error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    const refusals = await eventually(signInRefusals, (r) =>
      r.some((e) => (e.details as { address: string }).address === from),
    );
    expect(refusals.filter((e) => (e.details as { address: string }).address === from)).toHaveLength(4);
  });

  it('an address with too many failures across names is held back, also for a good password; other addresses are not', async () => {
    const from = '127.0.0.7';
    for (let i = 0; i < 10; i++)
      expect((await session(from, `invented-${i}`, 'some-guess-here')).status).toBe(401);
    const held = await session(from, 'p-addr', PASSWORD);
    expect(held.status).toBe(429);
    expect(code(held)).toBe('TOO_MANY_ATTEMPTS');
    expect(held.headers['retry-after']).toBeDefined();
    expect((await session('127.0.0.17', 'p-addr', PASSWORD)).status).toBe(201);
  });

  it('a token lives the hours the node was given, then is refused 401 SESSION_EXPIRED on the API and the stream', async () => {
    const from = '127.0.0.8';
    const issued = await session(from, 'p-token', PASSWORD);
    expect(issued.status).toBe(201);
    const { token, expiresAt } = JSON.parse(issued.body) as { token: string; expiresAt: string };
    expect(Date.parse(expiresAt) - clock).toBe(3_600_000);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await call(from, 'GET', '/api/v1/me', bearer)).status).toBe(200);
    expect(await stream(from, {}, `?token=${token}`)).toBe('open');
    clock += 3_600_000;
    const expired = await call(from, 'GET', '/api/v1/me', bearer);
    expect(expired.status).toBe(401);
    expect(code(expired)).toBe('SESSION_EXPIRED');
    const onStream = await stream(from, {}, `?token=${token}`);
    if (onStream === 'open') throw new Error('the stream opened with an expired token');
    expect(onStream.status).toBe(401);
    expect(JSON.parse(onStream.body).error.code).toBe('SESSION_EXPIRED');
    // An unknown token stays the plain refusal.
    const unknown = await call(from, 'GET', '/api/v1/me', { authorization: `Bearer ${'x'.repeat(43)}` });
    expect(code(unknown)).toBe('UNAUTHENTICATED');
  });

  it('a web session (the cookie) expires as a token does: 401 SESSION_EXPIRED on the API and on GET /session', async () => {
    const from = '127.0.0.9';
    const signedIn = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      remoteAddress: from,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ user: 'p-token', password: PASSWORD }),
    });
    expect(signedIn.statusCode).toBe(201);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    expect((await call(from, 'GET', '/api/v1/me', { cookie })).status).toBe(200);
    clock += 3_600_000;
    for (const path of ['/api/v1/me', '/api/v1/session']) {
      const expired = await call(from, 'GET', path, { cookie });
      expect(expired.status, path).toBe(401);
      expect(code(expired), path).toBe('SESSION_EXPIRED');
    }
  });
});

describe('/metrics', () => {
  it('with a token, answers only a request bearing it; without, 401 in the error envelope', async () => {
    const guarded = await buildApp(node, { metricsAccess: { token: 'metrics-token-of-test' } });
    try {
      const none = await guarded.inject({ url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('UNAUTHENTICATED');
      const wrong = await guarded.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer not-the-token' },
      });
      expect(wrong.statusCode).toBe(401);
      const right = await guarded.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer metrics-token-of-test' },
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('relto_http_requests_total');
    } finally {
      await guarded.close();
    }
  });

  it('off, there is no /metrics (404 in the error envelope)', async () => {
    const off = await buildApp(node, { metricsAccess: 'off' });
    try {
      const res = await off.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    } finally {
      await off.close();
    }
  });
});
