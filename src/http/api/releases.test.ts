import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessNode, inProcessNodes } from '../../node/exchange/test-support/in-process.js';
import { labelledReport, PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { buildApp, type ReltoApp } from '../app.js';

/**
 * Release requests through the node's API (issue 10, items 2 and 5): a releasing officer refuses with a note,
 * a mistaken body is a 400 and never an approval, the state tells the truth, and filing checks the parties
 * and agreements named.
 */

type Json = Record<string, any>;

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  app = await buildApp(nodes.KOR!.node);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

async function call(user: string, method: 'GET' | 'POST', url: string, body?: unknown) {
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
