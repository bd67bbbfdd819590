import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessNode, inProcessNodes } from '../../node/exchange/test-support/in-process.js';
import { labelledReport, PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { labelMarkingId, labelToMarking } from '../../stix/index.js';
import { buildApp, type ReltoApp } from '../app.js';

/**
 * The analyst's routes: labels made into marking-definitions by the node (the editor posts what the node
 * would make), and an item's release history shown only to whom may read the item.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers read field by field
type Json = Record<string, any>;

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  await nodes.KOR!.node.admin.addUser({
    name: 'analyst-low',
    password: PASSWORD,
    clearance: 'III',
    roles: ['analyst'],
  });
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

describe('POST /api/v1/labels', () => {
  it('answers each label as the marking-definition the node makes, same id as on every node', async () => {
    const label = {
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['KOR', 'JPN'],
      topics: ['DPRK-MISSILE'],
    };
    const answer = await call('analyst', 'POST', '/api/v1/labels', { labels: [label] });
    expect(answer.status).toBe(200);
    expect(answer.body!.markings).toEqual([labelToMarking(label)]);
    expect(answer.body!.markings[0].id).toBe(labelMarkingId(label));
  });

  it('refuses a level the registry does not know, naming the label at fault', async () => {
    const answer = await call('analyst', 'POST', '/api/v1/labels', {
      labels: [
        { originator: 'KOR', classification: 'II' },
        { originator: 'KOR', classification: 'SECRET' },
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body!.error.code).toBe('INVALID_LABEL');
    expect(answer.body!.error.path).toBe('/labels/1/classification');
  });

  it('refuses a body property it does not define', async () => {
    const answer = await call('analyst', 'POST', '/api/v1/labels', {
      labels: [{ originator: 'KOR', classification: 'II' }],
      store: true,
    });
    expect(answer.status).toBe(400);
  });
});

describe('GET /api/v1/items/:id/releases', () => {
  it('lists the release requests naming the item, for whom may read it, and is a 404 for anyone else', async () => {
    const secret = labelledReport({ originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'] });
    const other = labelledReport({ originator: 'KOR', classification: 'III', releasableTo: ['KOR', 'JPN'] });
    for (const r of [secret, other])
      expect((await call('analyst', 'POST', '/api/v1/items', r.bundle)).status).toBe(201);
    const filed = await call('analyst', 'POST', '/api/v1/releases', {
      items: [other.report.id, secret.report.id],
      to: 'JPN',
      note: 'for the joint assessment',
    });
    expect(filed.status).toBe(200);

    const mine = await call('analyst', 'GET', `/api/v1/items/${other.report.id}/releases`);
    expect(mine.status).toBe(200);
    expect(mine.body!.requests).toHaveLength(1);
    expect(mine.body!.requests[0]).toMatchObject({
      id: filed.body!.id,
      item: other.report.id,
      to: 'JPN',
      note: 'for the joint assessment',
    });
    // A batch's other items are not this item's history: the secret one is never named to its reader.
    expect(JSON.stringify(mine.body)).not.toContain(secret.report.id);

    const low = await call('analyst-low', 'GET', `/api/v1/items/${secret.report.id}/releases`);
    expect(low.status).toBe(404);
    expect(JSON.stringify(low.body)).not.toContain(filed.body!.id);
  });
});
