import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCa, issueCertificate } from '../identity/index.js';
import type { ReltoNode } from '../node/index.js';
import { buildApp, type ReltoApp } from './index.js';
import { basic, bundle, mixedReport, PEOPLE } from './test-support/fixtures.js';
import { realNode } from './test-support/nodes.js';

/*
 * The web workspace's session: a browser signs in with its name and password, gets an HttpOnly cookie and a
 * CSRF value, and every change it makes with the cookie carries that value. HTTP Basic and bearer tokens
 * (the CLI, scripts) are as before.
 */

let node: ReltoNode;
let cleanup: () => Promise<void>;
let app: ReltoApp;

beforeAll(async () => {
  const made = await realNode('sqlite');
  node = made.node;
  cleanup = made.cleanup;
  await node.admin.addUser({
    name: 'leaver',
    password: 'leaver-password',
    clearance: 'II',
    roles: ['analyst'],
  });
  app = await buildApp(node);
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

const password = (name: string) => PEOPLE.find((p) => p.name === name)?.password ?? `${name}-password`;

interface Session {
  cookie: string;
  csrf: string;
  answer: LightMyRequestResponse;
}

/** Signs `name` in as a browser does; `cookie` is what the browser then sends. */
async function signIn(name: string, extra: Record<string, string> = {}): Promise<Session> {
  const answer = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { 'content-type': 'application/json', ...extra },
    payload: JSON.stringify({ user: name, password: password(name) }),
  });
  expect(answer.statusCode, answer.body).toBe(201);
  const set = String(answer.headers['set-cookie']);
  const value = /relto_session=([^;]*)/.exec(set)?.[1] ?? '';
  return { cookie: `relto_session=${value}`, csrf: answer.json().csrf, answer };
}

function withCookie(
  s: Session,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  csrf?: string,
) {
  return app.inject({
    method,
    url,
    headers: {
      cookie: s.cookie,
      ...(csrf !== undefined ? { 'x-relto-csrf': csrf } : {}),
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

describe('web sign-in (POST /api/v1/session with a name and password)', () => {
  it('sets relto_session HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, and answers the CSRF value and the person', async () => {
    const s = await signIn('analyst');
    const set = String(s.answer.headers['set-cookie']);
    expect(set).toMatch(/^relto_session=[A-Za-z0-9_-]{40,};/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).not.toMatch(/Secure/i);
    expect(s.answer.json()).toEqual({
      csrf: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      person: { name: 'analyst', party: 'KOR', clearance: 'II', roles: ['analyst'], lang: null },
    });
    // The CSRF value is not the cookie's token nor anything a page could read from the cookie.
    expect(s.cookie).not.toContain(s.csrf);
  });

  it('refuses a wrong password 401, and a body with only one of the two 400 naming the missing one', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ user: 'analyst', password: 'not-the-password' }),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const half = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ user: 'analyst' }),
    });
    expect(half.statusCode).toBe(400);
    expect(half.json().error.path).toBe('/password');
  });

  it("a page's script gets its 401 without the Basic challenge (no browser password dialog over the sign-in); programs keep it", async () => {
    const fromScript = { 'sec-fetch-mode': 'cors', 'content-type': 'application/json' };
    for (const [method, url, payload] of [
      ['GET', '/api/v1/session', undefined],
      ['GET', '/api/v1/me', undefined],
      ['POST', '/api/v1/session', JSON.stringify({ user: 'analyst', password: 'not-the-password' })],
    ] as const) {
      const res = await app.inject({ method, url, headers: fromScript, ...(payload ? { payload } : {}) });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate'], url).toBeUndefined();
    }
    expect((await app.inject({ url: '/api/v1/me' })).headers['www-authenticate']).toMatch(/^Basic/);
    const opened = await app.inject({ url: '/api/v1/me', headers: { 'sec-fetch-mode': 'navigate' } });
    expect(opened.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('GET /api/v1/session gives a live cookie its CSRF value and person again; no cookie is 401', async () => {
    const s = await signIn('analyst-low');
    const again = await withCookie(s, 'GET', '/api/v1/session');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(s.answer.json());
    const none = await app.inject({ url: '/api/v1/session' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('signing in again replaces the session: the old cookie is signed out', async () => {
    const first = await signIn('analyst');
    const second = await signIn('analyst', { cookie: first.cookie });
    expect(second.cookie).not.toBe(first.cookie);
    expect((await withCookie(first, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await withCookie(second, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('keeps the CLI sign-in: HTTP Basic with no body issues a bearer token and sets no cookie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { authorization: basic('analyst') },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('CSRF: a change made with the cookie carries X-Relto-CSRF', () => {
  it('reads need none: the cookie signs GET /api/v1/me and TAXII in', async () => {
    const s = await signIn('analyst');
    expect((await withCookie(s, 'GET', '/api/v1/me')).json().name).toBe('analyst');
    const taxii = await app.inject({
      url: '/taxii2/',
      headers: { cookie: s.cookie, accept: 'application/taxii+json;version=2.1' },
    });
    expect(taxii.statusCode).toBe(200);
  });

  it('without it or with a wrong one a change is 403 CSRF and nothing changes; with it the change is made', async () => {
    const s = await signIn('analyst');
    const items = bundle([mixedReport(1)]);
    for (const csrf of [undefined, 'wrong', `${s.csrf.slice(0, -1)}x`]) {
      const refused = await withCookie(s, 'POST', '/api/v1/items', items, csrf);
      expect(refused.statusCode, String(csrf)).toBe(403);
      expect(refused.json().error.code).toBe('CSRF');
      const lang = await withCookie(s, 'PATCH', '/api/v1/me', { lang: 'ja' }, csrf);
      expect(lang.json().error.code).toBe('CSRF');
    }
    const page = await app.inject({ url: '/api/v1/items', headers: { authorization: basic('analyst') } });
    expect(page.json().items.filter((o: { type: string }) => o.type === 'report')).toEqual([]);
    expect((await withCookie(s, 'GET', '/api/v1/me')).json().lang).toBeNull();

    const posted = await withCookie(s, 'POST', '/api/v1/items', items, s.csrf);
    expect(posted.statusCode, posted.body).toBe(201);
    expect((await withCookie(s, 'PATCH', '/api/v1/me', { lang: 'ja' }, s.csrf)).json().lang).toBe('ja');
  });

  it("one session's CSRF value does not pass for another's", async () => {
    const a = await signIn('analyst');
    const b = await signIn('analyst-low');
    const res = await withCookie(b, 'PATCH', '/api/v1/me', { lang: 'en' }, a.csrf);
    expect(res.json().error.code).toBe('CSRF');
  });

  it('HTTP Basic needs none, even with a cookie beside it', async () => {
    const s = await signIn('security');
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { authorization: basic('security'), cookie: s.cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ lang: 'en' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().lang).toBe('en');
  });
});

describe('signing out, and R36 on an open cookie session', () => {
  it('DELETE /api/v1/session revokes the session and clears the cookie: the next request is 401', async () => {
    const s = await signIn('analyst-low');
    const out = await withCookie(s, 'DELETE', '/api/v1/session', undefined, s.csrf);
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/relto_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await withCookie(s, 'GET', '/api/v1/me');
    expect(after.statusCode).toBe(401);
    expect((await withCookie(s, 'GET', '/api/v1/session')).statusCode).toBe(401);
  });

  it('signing out needs the CSRF value too (a page elsewhere cannot sign the person out)', async () => {
    const s = await signIn('analyst-low');
    expect((await withCookie(s, 'DELETE', '/api/v1/session')).json().error.code).toBe('CSRF');
    expect((await withCookie(s, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('R36: a disabled person’s cookie session is refused at once; a lowered clearance shows on the next request', async () => {
    const s = await signIn('leaver');
    expect((await withCookie(s, 'GET', '/api/v1/me')).json().clearance).toBe('II');
    await node.admin.setUser('leaver', { clearance: 'III' });
    expect((await withCookie(s, 'GET', '/api/v1/me')).json().clearance).toBe('III');
    expect((await withCookie(s, 'GET', '/api/v1/session')).json().person.clearance).toBe('III');
    await node.admin.setUser('leaver', { disabled: true });
    const refused = await withCookie(s, 'GET', '/api/v1/me');
    expect(refused.statusCode).toBe(401);
    expect((await withCookie(s, 'GET', '/api/v1/session')).statusCode).toBe(401);
  });
});

describe('PATCH /api/v1/me {"lang"}', () => {
  it('keeps ko, ja or en with the person: GET /me and the session answer it', async () => {
    const s = await signIn('admin');
    for (const lang of ['ko', 'en', 'ja']) {
      const res = await withCookie(s, 'PATCH', '/api/v1/me', { lang }, s.csrf);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'admin', lang });
      expect((await withCookie(s, 'GET', '/api/v1/me')).json().lang).toBe(lang);
    }
    expect((await withCookie(s, 'GET', '/api/v1/session')).json().person.lang).toBe('ja');
    // A new sign-in finds the choice kept by the node.
    expect((await signIn('admin')).answer.json().person.lang).toBe('ja');
  });

  it('refuses any other language, or none, 400 naming the field', async () => {
    for (const body of [{ lang: 'fr' }, { lang: 'EN-us' }, { lang: 3 }, {}]) {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: { authorization: basic('analyst-low'), 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.path, JSON.stringify(body)).toMatch(/lang/);
    }
    expect(
      (await app.inject({ url: '/api/v1/me', headers: { authorization: basic('analyst-low') } })).json(),
    ).toMatchObject({ lang: null });
  });
});

describe('over TLS', () => {
  it('the session cookie is Secure', async () => {
    const ca = await createDemoCa();
    const cert = await issueCertificate(ca, { commonName: 'kor', kind: 'server' });
    const tls = await buildApp(node, { https: { cert: cert.certPem, key: cert.keyPem } });
    await tls.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = (tls.server.address() as AddressInfo).port;
      const setCookie = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/session',
            ca: ca.certPem,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.headers['set-cookie'])));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ user: 'analyst', password: password('analyst') }));
      });
      expect(setCookie).toContain('relto_session=');
      expect(setCookie).toContain('Secure');
      expect(setCookie).toContain('HttpOnly');
    } finally {
      await tls.close();
    }
  });
});
