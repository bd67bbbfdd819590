import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../errors/index.js';
import { basic, bundle, mixedReport, secretReport } from './test-support/fixtures.js';
import { type Harness, harness } from './test-support/harness.js';
import { nodeFactories } from './test-support/nodes.js';

describe('the node HTTP edge', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(await nodeFactories['real (SQLite)']!());
  });
  afterAll(async () => {
    await h?.close();
    await h?.node.close();
  });

  it('answers /healthz without signing in', async () => {
    const res = await h.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      party: 'KOR',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
  });

  it('serves OpenAPI at /docs/json describing the node API and TAXII, and the UI at /docs', async () => {
    const spec = (await h.app.inject({ url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/items', '/api/v1/decide', '/api/v1/search', '/taxii2/kor/collections/']) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
    expect(spec.paths['/api/v1/decide'].post.requestBody).toBeDefined();
    const ui = await h.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('counts requests by route pattern and status in Prometheus text at /metrics', async () => {
    await h.api('analyst', 'GET', '/api/v1/me');
    await h.api('analyst', 'GET', '/api/v1/me');
    await h.app.inject({ url: '/api/v1/me' });
    const res = await h.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const line = (status: number) =>
      res.body
        .split('\n')
        .find(
          (l) =>
            l.startsWith('relto_http_requests_total{') &&
            l.includes('route="/api/v1/me"') &&
            l.includes(`status="${status}"`),
        );
    expect(Number(line(200)?.split(' ').at(-1))).toBe(2);
    expect(Number(line(401)?.split(' ').at(-1))).toBe(1);
    expect(res.body).toContain('relto_http_request_duration_seconds_bucket');
  });

  it('gives every error code a status and an exit code, and answers errors only with registry statuses', async () => {
    for (const [code, e] of Object.entries(errorCodes)) {
      expect(Number.isInteger(e.status) && e.status >= 400 && e.status <= 599, code).toBe(true);
      expect([1, 2], code).toContain(e.exit);
    }
    await h.api('analyst', 'POST', '/api/v1/items', bundle([mixedReport(1), secretReport(2)]));
    const root = `/taxii2/kor/collections/${h.node.collectionId}`;
    // one request per kind of failure the edge can produce; every answer's status is its code's status
    const failures = [
      h.app.inject({ url: '/api/v1/items' }),
      h.api('analyst', 'GET', '/api/v1/items?limit=0'),
      h.api('analyst', 'GET', '/api/v1/items/report--00000000-0000-4000-8000-000000000000'),
      h.api('analyst', 'DELETE', '/api/v1/items/report--00000000-0000-4000-8000-000000000000'),
      h.api('analyst', 'GET', '/api/v1/people'),
      h.api('analyst', 'POST', '/api/v1/items', { objects: [{ type: 'report' }] }),
      h.api('analyst', 'POST', '/api/v1/releases', { item: 'x', to: 'JPN' }),
      h.api('analyst', 'POST', '/api/v1/search', { text: 1 }),
      h.taxii('analyst', `${root}/objects/`, { headers: { accept: 'application/xml' } }),
      h.taxii('analyst', `${root}/objects/`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        payload: 'a',
      }),
      h.taxii('analyst', `${root}/objects/`, {
        method: 'POST',
        headers: { 'content-type': 'application/taxii+json;version=2.1' },
        payload: '{"objects":[{"type":"report"}]}',
      }),
    ];
    const seen = new Set<string>();
    for (const res of await Promise.all(failures)) {
      const body = res.json();
      const code: string = body.error?.code ?? body.error_code;
      expect(code in errorCodes, `${res.statusCode} ${res.body}`).toBe(true);
      expect(res.statusCode, code).toBe(errorCodes[code as keyof typeof errorCodes].status);
      seen.add(code);
    }
    expect(seen.size).toBeGreaterThanOrEqual(7);
  });

  it('answers a wrong method 405 with Allow, an unknown address 404, a wrong media type 415, in the error envelope', async () => {
    const envelope = { error: { code: expect.any(String), message: expect.any(String), path: '' } };
    const put = await h.api('analyst', 'PUT', '/api/v1/me');
    expect(put.statusCode).toBe(405);
    expect(put.json()).toEqual(envelope);
    expect(put.json().error.code).toBe('METHOD_NOT_ALLOWED');
    expect(put.headers.allow).toBe('GET, HEAD, PATCH');
    const patch = await h.api(
      'analyst',
      'PATCH',
      '/api/v1/items/report--00000000-0000-4000-8000-000000000000/',
    );
    expect(patch.statusCode).toBe(405);
    expect(String(patch.headers.allow).split(', ')).toEqual(expect.arrayContaining(['DELETE', 'GET']));
    // the method is checked before signing in: the address is public in the OpenAPI anyway
    const anonymous = await h.app.inject({ method: 'DELETE', url: '/api/v1/search' });
    expect(anonymous.statusCode).toBe(405);
    expect(anonymous.headers.allow).toBe('POST');
    for (const url of ['/nothing', '/api/v1/nothing/here', '/api/v2/items']) {
      const res = await h.api('analyst', 'GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual(envelope);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const xml = await h.app.inject({
      method: 'POST',
      url: '/api/v1/search',
      headers: { authorization: basic('analyst'), 'content-type': 'application/xml' },
      payload: '<search/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toEqual(envelope);
    expect(xml.json().error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(xml.json().error.message).toContain('application/json');
  });

  it('takes custody actions without a body, with or without a JSON content type (R26)', async () => {
    const r = mixedReport(9);
    await h.api('analyst', 'POST', '/api/v1/items', bundle([r]));
    const bare = await h.app.inject({
      method: 'POST',
      url: `/api/v1/items/${r.id}/custody/copy`,
      headers: { authorization: basic('analyst') },
    });
    expect(bare.statusCode, bare.body).toBe(201);
    expect(bare.json()).toMatchObject({ itemId: r.id, kind: 'copy', copyNumber: 1 });
    const empty = await h.app.inject({
      method: 'POST',
      url: `/api/v1/items/${r.id}/custody/print`,
      headers: { authorization: basic('analyst'), 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode, empty.body).toBe(201);
    expect(empty.json()).toMatchObject({ itemId: r.id, kind: 'print' });
    // a body still has to be what the route defines
    const wrong = await h.api('analyst', 'POST', `/api/v1/items/${r.id}/custody/copy`, { copies: 2 });
    expect(wrong.statusCode).toBe(400);
    // a route whose body is needed says what is missing, not that the body is empty
    const none = await h.app.inject({
      method: 'POST',
      url: '/api/v1/search',
      headers: { authorization: basic('analyst') },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toContain('text');
  });

  it('cuts what an open bearer session sees as soon as the clearance is lowered (R36)', async () => {
    const r = secretReport(7);
    await h.api('analyst', 'POST', '/api/v1/items', bundle([r]));
    const token = (await h.api('analyst', 'POST', '/api/v1/session')).json().token;
    const get = () =>
      h.app.inject({ url: `/api/v1/items/${r.id}`, headers: { authorization: `Bearer ${token}` } });
    expect((await get()).statusCode).toBe(200);
    const admin = (h.node as unknown as { admin: { setUser(n: string, c: object): Promise<unknown> } }).admin;
    await admin.setUser('analyst', { clearance: 'III' });
    const after = await get();
    // refused (token cut) or not found (re-read at the lower clearance): either way nothing SECRET
    expect([401, 404]).toContain(after.statusCode);
    expect(after.body).not.toContain('Secret assessment');
    await admin.setUser('analyst', { clearance: 'II' });
  });
});
