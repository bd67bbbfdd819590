import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessNode, inProcessNodes } from '../../node/exchange/test-support/in-process.js';
import { labelledReport, PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { buildApp, type ReltoApp } from '../app.js';

/** The people register through the API: who may keep it, what a change does at once (R36), its audit (R29). */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers read field by field
type Json = Record<string, any>;

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR']));
  const kor = nodes.KOR!.node;
  for (const name of ['subject', 'subject2']) {
    await kor.admin.addUser({ name, password: PASSWORD, clearance: 'II', roles: ['analyst'] });
  }
  app = await buildApp(kor);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

async function call(user: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers: {
      authorization: basic(user),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Json) : null };
}

describe('GET /api/v1/people', () => {
  it('lists the register for a security officer and an administrator, never a password hash', async () => {
    for (const who of ['security', 'admin']) {
      const res = await call(who, 'GET', '/api/v1/people');
      expect(res.status).toBe(200);
      const analyst = (res.body!.people as Json[]).find((p) => p.name === 'analyst')!;
      expect(analyst).toMatchObject({ party: 'KOR', clearance: 'II', roles: ['analyst'], disabled: false });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|passwordHash/);
    }
  });

  it('refuses an analyst and a releasing officer (403), saying who keeps the register', async () => {
    for (const who of ['analyst', 'officer']) {
      const res = await call(who, 'GET', '/api/v1/people');
      expect(res.status).toBe(403);
      expect(res.body!.error.code).toBe('FORBIDDEN');
      expect(res.body!.error.message).toMatch(/security officers and administrators/);
    }
  });
});

describe('PATCH /api/v1/people/:name', () => {
  it('R36: a lowered clearance applies to the very next request of the person', async () => {
    const { report, bundle } = labelledReport({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['KOR'],
      topics: ['DPRK-MISSILE'],
    });
    expect((await call('subject', 'POST', '/api/v1/items', bundle)).status).toBe(201);
    expect((await call('subject', 'GET', `/api/v1/items/${report.id}`)).status).toBe(200);

    const changed = await call('security', 'PATCH', '/api/v1/people/subject', { clearance: 'III' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'subject', clearance: 'III' });

    expect((await call('subject', 'GET', `/api/v1/items/${report.id}`)).status).toBe(404);
    expect((await call('subject', 'GET', '/api/v1/me')).body).toMatchObject({ clearance: 'III' });
  });

  it('R36: disabling a person refuses their next request; enabling lets them back', async () => {
    expect((await call('admin', 'PATCH', '/api/v1/people/subject2', { disabled: true })).status).toBe(200);
    expect((await call('subject2', 'GET', '/api/v1/me')).status).toBe(401);
    const back = await call('admin', 'PATCH', '/api/v1/people/subject2', { disabled: false });
    expect(back.body).toMatchObject({ disabled: false });
    expect((await call('subject2', 'GET', '/api/v1/me')).status).toBe(200);
  });

  it('gives roles, which the next request holds (the releases queue opens to a new releasing officer)', async () => {
    const res = await call('security', 'PATCH', '/api/v1/people/subject2', {
      roles: ['analyst', 'releasing-officer'],
    });
    expect(res.status).toBe(200);
    expect((await call('subject2', 'GET', '/api/v1/me')).body!.roles).toEqual([
      'analyst',
      'releasing-officer',
    ]);
  });

  it('R29: the change is audited, naming the officer who made it', async () => {
    await call('security', 'PATCH', '/api/v1/people/subject2', { clearance: 'III' });
    const head = await call('security', 'GET', '/api/v1/audit/head');
    const entries = await call('security', 'GET', `/api/v1/audit/entries?from=0&to=${head.body!.treeSize}`);
    const last = (entries.body!.entries as Json[])
      .map((e) => e.entry)
      .filter((e) => e.kind === 'person' && e.subjects?.includes('subject2'))
      .at(-1)!;
    expect(last).toMatchObject({ actor: 'security', action: 'set', details: { clearance: 'III' } });
  });

  it('refuses an analyst (403) and changes nothing', async () => {
    const res = await call('analyst', 'PATCH', '/api/v1/people/subject2', { roles: ['admin'] });
    expect(res.status).toBe(403);
    const list = await call('admin', 'GET', '/api/v1/people');
    expect((list.body!.people as Json[]).find((p) => p.name === 'subject2')!.roles).not.toContain('admin');
  });

  it("refuses changing one's own record: another officer does it", async () => {
    const res = await call('security', 'PATCH', '/api/v1/people/security', { clearance: 'I' });
    expect(res.status).toBe(403);
  });

  it('refuses unknown properties, an unknown role, a clearance outside the scheme, and an unknown person', async () => {
    const unknown = await call('admin', 'PATCH', '/api/v1/people/subject2', { password: 'x' });
    expect(unknown.status).toBe(400);
    expect((await call('admin', 'PATCH', '/api/v1/people/subject2', { roles: ['king'] })).status).toBe(400);
    expect((await call('admin', 'PATCH', '/api/v1/people/subject2', {})).status).toBe(400);
    const level = await call('admin', 'PATCH', '/api/v1/people/subject2', { clearance: 'SECRET' });
    expect(level.status).toBe(400);
    expect((await call('admin', 'PATCH', '/api/v1/people/nobody', { disabled: true })).status).toBe(404);
  });
});
