import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from './index.js';
import { CONTENT_SECURITY_POLICY } from './security-headers.js';
import { FakeNode } from './test-support/fake-node.js';
import { basic, PEOPLE } from './test-support/fixtures.js';
import { WEB_SCREENS } from './web.js';

/* The web workspace as the node serves it, from a tiny stand-in for `vite build`'s dist/web. */

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-3f9a1c.js"></script></head></html>';
const SCRIPT = 'console.log("relto web");';
let dist: string;
let unbuilt: string;
let app: ReltoApp;
let bare: ReltoApp;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'relto-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-3f9a1c.js'), SCRIPT);
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  unbuilt = mkdtempSync(join(tmpdir(), 'relto-web-unbuilt-'));
  app = await buildApp(new FakeNode(PEOPLE), { webRoot: dist });
  bare = await buildApp(new FakeNode(PEOPLE), { webRoot: join(unbuilt, 'dist', 'web') });
});

afterAll(async () => {
  await app?.close();
  await bare?.close();
  rmSync(dist, { recursive: true, force: true });
  rmSync(unbuilt, { recursive: true, force: true });
});

describe('the web workspace at /', () => {
  it('answers / and every screen path, deep links included, with index.html, never cached', async () => {
    const paths = [
      '/',
      ...WEB_SCREENS.map((s) => `/${s}`),
      '/items/report--0f8d3c1e-6a57-4b8e-9a51-2f4c7d9e1b20',
      '/search?q=launch',
      '/inbox?lang=ja',
      '/agreements/',
    ];
    for (const url of paths) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      // The build's page, with the node's boot answers after it (this page has no body to put them in).
      expect(res.body.startsWith(INDEX), url).toBe(true);
      expect(res.body.slice(INDEX.length), url).toMatch(/^<script type="application\/json" id="relto-boot">/);
    }
  });

  it('serves hashed assets for a year (immutable) and the files beside index.html', async () => {
    const js = await app.inject({ url: '/assets/index-3f9a1c.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe(SCRIPT);
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('leaves unknown paths 404: assets, API, TAXII, exchange, and paths that are no screen', async () => {
    for (const url of [
      '/assets/nope.js',
      '/assets/../index.html',
      '/api/v1/nope',
      '/exchange/v1/nope',
      '/nothing',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('NOT_FOUND');
    }
    const taxii = await app.inject({ url: '/taxii2/nope/', headers: { authorization: basic('analyst') } });
    expect(taxii.statusCode).toBe(404);
    expect(taxii.body).not.toContain('<html');
    // A screen takes GET only; the API's other routes are untouched.
    expect((await app.inject({ method: 'POST', url: '/inbox' })).statusCode).toBe(405);
    expect(
      (await app.inject({ url: '/api/v1/me', headers: { authorization: basic('analyst') } })).statusCode,
    ).toBe(200);
  });

  it('without a build, / and the screens answer 503 saying how to build it; the API still works', async () => {
    for (const url of ['/', '/inbox', '/items/report--x']) {
      const res = await bare.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(/not built/);
      expect(res.body).toMatch(/vite build/);
    }
    expect((await bare.inject({ url: '/assets/index-3f9a1c.js' })).statusCode).toBe(404);
    expect(
      (await bare.inject({ url: '/api/v1/me', headers: { authorization: basic('analyst') } })).statusCode,
    ).toBe(200);
  });

  it('finds dist/web from the package, not from the working directory', async () => {
    const { DEFAULT_WEB_ROOT } = await import('./web.js');
    const pkg = fileURLToPath(new URL('../../', import.meta.url));
    expect(DEFAULT_WEB_ROOT).toBe(join(pkg, 'dist', 'web/'));
  });
});

describe('security headers on every answer', () => {
  const strict = (csp: string | undefined) => {
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(csp).toContain("frame-ancestors 'none'");
    for (const directive of csp!.split('; ')) {
      const [name, ...sources] = directive.split(' ');
      const allowed = name === 'img-src' ? ["'self'", 'data:', 'blob:'] : ["'self'", "'none'"];
      for (const s of sources) expect(allowed, directive).toContain(s);
    }
  };

  it('the page, an asset, the API, TAXII, /docs and its files, errors: a strict CSP, nosniff, no referrer', async () => {
    const answers = [
      await app.inject({ url: '/' }),
      await app.inject({ url: '/assets/index-3f9a1c.js' }),
      await app.inject({ url: '/api/v1/me', headers: { authorization: basic('analyst') } }),
      await app.inject({ url: '/api/v1/me' }),
      await app.inject({
        url: '/taxii2/',
        headers: { authorization: basic('analyst'), accept: 'application/taxii+json;version=2.1' },
      }),
      await app.inject({ url: '/docs' }),
      await app.inject({ url: '/docs/static/swagger-initializer.js' }),
      await app.inject({ url: '/docs/static/swagger-ui.css' }),
      await app.inject({ url: '/docs/json' }),
      await app.inject({ url: '/nothing' }),
      await bare.inject({ url: '/' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 401, 200, 200, 200, 200, 200, 404, 503]);
    for (const a of answers) {
      strict(a.headers['content-security-policy'] as string);
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      expect(a.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('/docs runs under it: its page loads only its own files, with no inline script', async () => {
    const page = (await app.inject({ url: '/docs' })).body;
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\.?\/?[^":]+"/);
      expect(body!.trim()).toBe('');
    }
    expect(page).not.toMatch(/\son[a-z]+=|style="/i);
  });
});
