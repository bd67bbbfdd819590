import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessNode, inProcessNodes } from '../../node/exchange/test-support/in-process.js';
import { eventually, labelledReport, PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { loadBuiltinRegistry } from '../../registry/index.js';
import { buildApp, type ReltoApp } from '../app.js';

/**
 * Release requests through the node's API (issue 10, items 2 and 5): a releasing officer refuses with a note,
 * a mistaken body is a 400 and never an approval, the state tells the truth, and filing checks the parties
 * and agreements named.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers read field by field
type Json = Record<string, any>;

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;
let jpnApp: ReltoApp;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  app = await buildApp(nodes.KOR!.node);
  jpnApp = await buildApp(nodes.JPN!.node);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await jpnApp?.close();
  await cleanup?.();
});

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

async function call(user: string, method: 'GET' | 'POST', url: string, body?: unknown, on = app) {
  const res = await on.inject({
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

/** A KOR report JPN may receive, posted at KOR; its id. */
async function postReport(releasableTo = ['JPN', 'KOR']): Promise<string> {
  const { report, bundle } = labelledReport({
    originator: 'KOR',
    classification: 'II',
    releasableTo,
    topics: ['DPRK-MISSILE'],
  });
  const posted = await call('analyst', 'POST', '/api/v1/items', bundle);
  expect(posted.status).toBe(201);
  return report.id;
}

async function file(item: string, to = 'JPN', under?: string) {
  return call('analyst', 'POST', '/api/v1/releases', { item, to, ...(under ? { under } : {}) });
}

async function requestOf(id: string): Promise<Json> {
  const list = await call('officer', 'GET', '/api/v1/releases');
  return (list.body!.requests as Json[]).find((r) => r.id === id)!;
}

describe('a releasing officer refuses a release (R18, R34)', () => {
  it('regression: POST /releases/{id}/approve with {"refuse": true} is a 400 naming the property, and releases nothing', async () => {
    const item = await postReport();
    const filed = await file(item);
    expect(filed.status).toBe(200);
    const answer = await call('officer', 'POST', `/api/v1/releases/${filed.body!.id}/approve`, {
      refuse: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body!.error.code).toBe('MALFORMED_REQUEST');
    expect(answer.body!.error.message).toContain('refuse');
    expect(answer.body!.error.path).toBe('/refuse');
    const request = await requestOf(filed.body!.id);
    expect(request.status).toBe('pending');
    expect(request.approvedBy).toBeUndefined();
    const outbox = await nodes.KOR!.node.store.listExchange({ kind: 'outbox' });
    expect(JSON.stringify(outbox)).not.toContain(item);
  });
});

describe('a releasing officer refuses a release, once (R18, R34)', () => {
  it('refuse with a note: audited, nothing sent, the request shows who refused and why', async () => {
    const item = await postReport();
    const filed = await file(item);
    const refused = await call('officer', 'POST', `/api/v1/releases/${filed.body!.id}/refuse`, {
      note: 'the partner asked for the summary only',
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      status: 'refused',
      refusal: { by: 'officer', party: 'KOR', note: 'the partner asked for the summary only' },
    });
    expect(await requestOf(filed.body!.id)).toMatchObject({ status: 'refused', refusal: { by: 'officer' } });
    const outbox = await nodes.KOR!.node.store.listExchange({ kind: 'outbox' });
    expect(JSON.stringify(outbox)).not.toContain(item);
    const head = await call('security', 'GET', '/api/v1/audit/head');
    const entries = await call('security', 'GET', `/api/v1/audit/entries?from=0&to=${head.body!.treeSize}`);
    const entry = (entries.body!.entries as Json[])
      .map((e) => e.entry)
      .find((e) => e.action === 'refuse' && e.subjects?.includes(filed.body!.id));
    expect(entry).toMatchObject({ kind: 'release', actor: 'officer', decision: 'deny' });
    expect(JSON.stringify(entry)).toContain('summary only');
  });

  it('approving or refusing a decided request is ALREADY_DECIDED (409); a refusal without a body works', async () => {
    const item = await postReport();
    const filed = await file(item);
    const refused = await call('officer', 'POST', `/api/v1/releases/${filed.body!.id}/refuse`);
    expect(refused.status).toBe(200);
    expect(refused.body!.refusal.note).toBeUndefined();
    for (const verb of ['approve', 'refuse']) {
      const again = await call('officer2', 'POST', `/api/v1/releases/${filed.body!.id}/${verb}`, {});
      expect(again.status).toBe(409);
      expect(again.body!.error.code).toBe('ALREADY_DECIDED');
      expect(again.body!.error.message).toContain(filed.body!.id);
    }
    const approvedFirst = await file(await postReport());
    expect((await call('officer', 'POST', `/api/v1/releases/${approvedFirst.body!.id}/approve`)).status).toBe(
      200,
    );
    const late = await call('officer2', 'POST', `/api/v1/releases/${approvedFirst.body!.id}/refuse`, {
      note: 'too late',
    });
    expect(late.status).toBe(409);
    expect(late.body!.error.code).toBe('ALREADY_DECIDED');
  });

  it('R18: only a releasing officer refuses or approves (403 ROLE_REQUIRED); the request stays undecided', async () => {
    const filed = await file(await postReport());
    for (const [verb, body] of [
      ['refuse', { note: 'no' }],
      ['approve', {}],
    ] as const) {
      const answer = await call('security', 'POST', `/api/v1/releases/${filed.body!.id}/${verb}`, body);
      expect(answer.status).toBe(403);
      expect(answer.body!.error.code).toBe('FORBIDDEN');
      expect(answer.body!.error.details.reasons[0].code).toBe('ROLE_REQUIRED');
    }
    const request = await requestOf(filed.body!.id);
    expect(request.status).toBe('pending');
    expect(request.approvedBy).toBeUndefined();
    // A releasing officer can still decide it.
    const approved = await call('officer', 'POST', `/api/v1/releases/${filed.body!.id}/approve`);
    expect(approved.body!.status).toBe('pending');
    expect(approved.body!.approvedBy).toBe('officer');
  });
});

describe('release state tells the truth (R14, R29)', () => {
  it('approved: pending until the partner receipts it, then delivered', async () => {
    const filed = await file(await postReport());
    const approved = await call('officer', 'POST', `/api/v1/releases/${filed.body!.id}/approve`);
    expect(approved.body).toMatchObject({ status: 'pending', approvedBy: 'officer' });
    const delivered = await eventually(async () => {
      const r = await requestOf(filed.body!.id);
      return r.status === 'delivered' ? r : null;
    });
    expect(delivered.deliveredAt).toBeDefined();
  });

  it('refused by the partner: the request shows refused with its reason, and the security officer sees an alarm', async () => {
    // JPN destroyed its copy (R27): the same item released again is refused by JPN.
    const item = await postReport();
    const first = await file(item);
    await call('officer', 'POST', `/api/v1/releases/${first.body!.id}/approve`);
    const jpn = nodes.JPN!;
    await eventually(() => jpn.node.store.getObject(item));
    expect(await jpn.node.destroyObject(await jpn.person('security'), item, {})).toBe(true);
    const again = await file(item);
    await call('officer', 'POST', `/api/v1/releases/${again.body!.id}/approve`);
    const refused = await eventually(async () => {
      const r = await requestOf(again.body!.id);
      return r.status === 'refused' ? r : null;
    });
    expect(refused.refusal).toMatchObject({ by: 'node:JPN', party: 'JPN', code: 'CONFLICT' });
    expect(refused.refusal.reason).toBeTruthy();
    expect(refused.refusal.items).toEqual([{ id: item, code: 'CONFLICT' }]);
    const alarms = await call('security', 'GET', '/api/v1/exchange/alarms');
    const alarm = (alarms.body!.alarms as Json[]).find((a) => a.release === again.body!.id);
    expect(alarm).toMatchObject({ alarm: 'RELEASE_REFUSED', party: 'JPN' });
    expect(alarm!.message).toContain('CONFLICT');
  });
});

describe('release and consent requests are checked when filed', () => {
  it('UNKNOWN_PARTY names the party; UNKNOWN_AGREEMENT names the agreement; an agreement of others is a 400', async () => {
    const item = await postReport();
    const party = await file(item, 'XYZ');
    expect(party.status).toBe(404);
    expect(party.body!.error).toMatchObject({ code: 'UNKNOWN_PARTY', path: '/to' });
    expect(party.body!.error.message).toContain('XYZ');
    const agreement = await file(item, 'JPN', 'KOR-JPN-GSOMIAA');
    expect(agreement.status).toBe(404);
    expect(agreement.body!.error).toMatchObject({ code: 'UNKNOWN_AGREEMENT', path: '/under' });
    expect(agreement.body!.error.message).toContain('KOR-JPN-GSOMIAA');
    const others = await file(item, 'JPN', 'USA-JPN-GSOMIA');
    expect(others.status).toBe(400);
    expect(others.body!.error.message).toContain('USA-JPN-GSOMIA');
    const self = await file(item, 'KOR');
    expect(self.status).toBe(400);
    expect(self.body!.error.path).toBe('/to');
    // Nothing was filed.
    const list = await call('officer', 'GET', '/api/v1/releases');
    expect((list.body!.requests as Json[]).filter((r) => r.item === item)).toEqual([]);
  });

  it('a party of the registry that is not a partner of this node: NOT_A_PARTNER (409) names it', async () => {
    const answer = await file(await postReport(['JPN', 'KOR', 'USA']), 'USA');
    expect(answer.status).toBe(409);
    expect(answer.body!.error).toMatchObject({ code: 'NOT_A_PARTNER', path: '/to' });
    expect(answer.body!.error.message).toContain('USA');
  });

  it('consent requests: UNKNOWN_PARTY names the party; exactly one of to, purpose, actions', async () => {
    const asked = (body: Json) => call('analyst', 'POST', '/api/v1/consent-requests', body, jpnApp);
    const unknown = await asked({ item: 'report--x', to: 'XYZ' });
    expect(unknown.status).toBe(404);
    expect(unknown.body!.error).toMatchObject({ code: 'UNKNOWN_PARTY', path: '/to' });
    expect(unknown.body!.error.message).toContain('XYZ');
    const none = await asked({ item: 'report--x' });
    expect(none.status).toBe(400);
    expect(none.body!.error.code).toBe('MALFORMED_REQUEST');
    const two = await asked({ item: 'report--x', to: 'USA', purpose: 'training' });
    expect(two.status).toBe(400);
    const action = await asked({ item: 'report--x', actions: ['release'] });
    expect(action.status).toBe(400);
    expect(action.body!.error.path).toBe('/actions/0');
  });

  it('R24: a hub without a bilateral agreement in force must name the relay: UNDER_REQUIRED names it', async () => {
    const registry = loadBuiltinRegistry();
    const usaJpn = registry.agreements.find((a) => a.id === 'USA-JPN-GSOMIA')!;
    usaJpn.events.push({ type: 'terminated', date: '2025-01-01', by: 'USA' } as never);
    const dir = mkdtempSync(join(tmpdir(), 'relto-registry-'));
    const registryFile = join(dir, 'registry.json');
    writeFileSync(registryFile, JSON.stringify(registry));
    const usa = await inProcessNodes(['USA'], { registryFile });
    const usaApp = await buildApp(usa.nodes.USA!.node);
    try {
      const answer = await call(
        'analyst',
        'POST',
        '/api/v1/releases',
        { item: 'report--x', to: 'JPN' },
        usaApp,
      );
      expect(answer.status).toBe(400);
      expect(answer.body!.error).toMatchObject({ code: 'UNDER_REQUIRED', path: '/under' });
      expect(answer.body!.error.message).toContain('TISA');
      expect(answer.body!.error.message).toContain('USA-JPN-GSOMIA');
    } finally {
      await usaApp.close();
      await usa.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('who sees which release requests', () => {
  it('a releasing officer sees every request; an analyst only the ones they filed', async () => {
    const mine = await file(await postReport());
    const { report, bundle } = labelledReport({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    });
    expect((await call('officer2', 'POST', '/api/v1/items', bundle)).status).toBe(201);
    const theirs = await call('officer2', 'POST', '/api/v1/releases', { item: report.id, to: 'JPN' });
    expect(theirs.status).toBe(200);
    const officer = (await call('officer', 'GET', '/api/v1/releases')).body!.requests as Json[];
    expect(officer.map((r) => r.id)).toEqual(expect.arrayContaining([mine.body!.id, theirs.body!.id]));
    const analyst = (await call('analyst', 'GET', '/api/v1/releases')).body!.requests as Json[];
    expect(analyst.map((r) => r.id)).toContain(mine.body!.id);
    expect(analyst.every((r) => r.by === 'analyst')).toBe(true);
  });
});
