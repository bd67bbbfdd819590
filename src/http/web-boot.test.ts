import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReltoNode } from '../node/index.js';
import { buildApp, type ReltoApp } from './index.js';
import {
  basic,
  bundle,
  LOW_MARK,
  mixedReport,
  PEOPLE,
  SECRET_MARK,
  secretReport,
} from './test-support/fixtures.js';
import { realNode } from './test-support/nodes.js';

/*
 * The page carries what its first screen would ask for (its boot answers): the node's health, the tab's
 * session and, for a report's deep link, the report and the registry. Each is the node's own API asked with
 * the browser's own cookie, so the page never holds what the person could not have fetched (R7, R10).
 */

const INDEX =
  '<!doctype html><html><head><script type="module" crossorigin src="/assets/index-1.js"></script></head>' +
  '<body><div id="root"></div></body></html>';
const MANIFEST = {
  'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_shared-2.js'] },
  '_shared-2.js': { file: 'assets/shared-2.js' },
  'src/screens/reader/index.tsx': {
    file: 'assets/reader-3.js',
    isDynamicEntry: true,
    imports: ['index.html', '_shared-2.js', '_label-core-4.js'],
    css: ['assets/reader-5.css'],
  },
  '_label-core-4.js': { file: 'assets/label-core-4.js' },
};

let node: ReltoNode;
let cleanup: () => Promise<void>;
let app: ReltoApp;
let dist: string;
let readable: string;
let scripted: string;
let whollySecret: string;

const password = (name: string) => PEOPLE.find((p) => p.name === name)!.password;

async function cookieOf(name: string): Promise<string> {
  const answer = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ user: name, password: password(name) }),
  });
  expect(answer.statusCode, answer.body).toBe(201);
  return `relto_session=${/relto_session=([^;]*)/.exec(String(answer.headers['set-cookie']))![1]}`;
}

/** The page and the boot answers in it, as the browser's script reads them. */
async function page(url: string, cookie?: string) {
  const res = await app.inject({ url, headers: cookie ? { cookie } : {} });
  const element = /<script type="application\/json" id="relto-boot">([\s\S]*?)<\/script>/.exec(res.body);
  return {
    res,
    boot: element
      ? (JSON.parse(element[1]!) as {
          healthz?: { party?: string };
          session?: { csrf: string; person: { name: string; lang: string | null } } | null;
          answers: Record<string, { item?: { id: string; name?: string } }>;
        })
      : null,
  };
}

beforeAll(async () => {
  const made = await realNode('sqlite');
  node = made.node;
  cleanup = made.cleanup;
  dist = mkdtempSync(join(tmpdir(), 'relto-web-boot-'));
  mkdirSync(join(dist, 'assets'));
  mkdirSync(join(dist, '.vite'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
  app = await buildApp(node, { webRoot: dist });
  await app.ready();
  const mixed = mixedReport(1);
  const hostile = { ...mixedReport(2), name: 'Ends here </script><script>alert(1)</script> \u2028 done' };
  const secret = secretReport(3);
  readable = mixed.id as string;
  scripted = hostile.id as string;
  whollySecret = secret.id as string;
  const posted = await app.inject({
    method: 'POST',
    url: '/api/v1/items',
    headers: { authorization: basic('analyst'), 'content-type': 'application/json' },
    payload: JSON.stringify(bundle([mixed, hostile, secret])),
  });
  expect(posted.statusCode, posted.body).toBe(201);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
  rmSync(dist, { recursive: true, force: true });
});

describe("the page's boot answers", () => {
  it('a signed-out tab gets the node’s health and no session, in a page a cache may keep but must revalidate', async () => {
    const { res, boot } = await page('/inbox');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(boot!.healthz!.party).toBe('KOR');
    expect(boot!.session).toBeNull();
    expect(boot!.answers).toEqual({});
    // The page is the build's page, the boot element added before the body ends.
    expect(res.body.startsWith(INDEX.slice(0, INDEX.indexOf('</head>')))).toBe(true);
    expect(res.body.endsWith('</script></body></html>')).toBe(true);
  });

  it('a signed-in deep link to a report carries the session, the report as the API answers it and the registry; no cache keeps it', async () => {
    const cookie = await cookieOf('analyst');
    const { res, boot } = await page(`/items/${readable}?lang=en`, cookie);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers.vary).toMatch(/cookie/i);
    expect(boot!.session!.person.name).toBe('analyst');
    expect(boot!.session!.csrf).toMatch(/\S{20,}/);
    const path = `/items/${encodeURIComponent(readable)}?lang=en`;
    const api = await app.inject({ url: `/api/v1${path}`, headers: { cookie } });
    expect(api.statusCode).toBe(200);
    const sent = boot!.answers[path] as { item: { id: string } };
    expect(sent.item).toEqual(api.json().item);
    expect(JSON.stringify(sent)).toContain(SECRET_MARK); // analyst holds II: the SECRET paragraph is theirs
    expect(boot!.answers['/registry']).toEqual(
      (await app.inject({ url: '/api/v1/registry', headers: { cookie } })).json(),
    );
  });

  it('takes the language from the address, else the person’s own', async () => {
    const cookie = await cookieOf('analyst');
    const ja = await page(`/items/${readable}?lang=ja`, cookie);
    expect(Object.keys(ja.boot!.answers)).toContain(`/items/${encodeURIComponent(readable)}?lang=ja`);
    const own = await page(`/items/${readable}`, cookie);
    expect(Object.keys(own.boot!.answers)).toContain(`/items/${encodeURIComponent(readable)}?lang=ko`);
  });

  it('R7, R10: a person without the clearance gets in the page only what the API gives them', async () => {
    const cookie = await cookieOf('analyst-low');
    // The mixed report: its CONFIDENTIAL floor, the SECRET paragraph withheld.
    const mixed = await page(`/items/${readable}?lang=en`, cookie);
    expect(mixed.res.body).toContain(LOW_MARK);
    expect(mixed.res.body).not.toContain(SECRET_MARK);
    // The wholly SECRET report: nothing of it, not even its name; the page asks and shows the API's refusal.
    const secret = await page(`/items/${whollySecret}?lang=en`, cookie);
    expect(secret.res.statusCode).toBe(200);
    expect(secret.res.body).not.toContain(SECRET_MARK);
    expect(Object.keys(secret.boot!.answers)).toEqual(['/registry']);
    // Signed out, a deep link carries no report at all.
    const anonymous = await page(`/items/${readable}?lang=en`);
    expect(anonymous.res.body).not.toContain(LOW_MARK);
    expect(anonymous.boot!.session).toBeNull();
  });

  it('a cookie the node no longer knows is a signed-out tab', async () => {
    const { boot, res } = await page(`/items/${readable}`, 'relto_session=not-a-session-the-node-issued');
    expect(boot!.session).toBeNull();
    expect(boot!.answers).toEqual({});
    expect(res.body).not.toContain(LOW_MARK);
  });

  it('text in an answer cannot close the boot element or run: the page reads it back as written', async () => {
    const cookie = await cookieOf('analyst');
    const { res, boot } = await page(`/items/${scripted}?lang=en`, cookie);
    expect(res.body).not.toContain('</script><script>alert(1)');
    expect(res.body.match(/<script/g)).toHaveLength(2); // the build's module script and the boot data
    const sent = boot!.answers[`/items/${encodeURIComponent(scripted)}?lang=en`] as {
      item: { name: string };
    };
    expect(sent.item.name).toBe('Ends here </script><script>alert(1)</script> \u2028 done');
  });

  it("preloads a deep link's screen chunk, its imports and its style, never the entry, from the build's manifest", async () => {
    const { res } = await page(`/items/${readable}`);
    const head = res.body.slice(0, res.body.indexOf('</head>'));
    expect(head).toContain('<link rel="modulepreload" crossorigin href="/assets/reader-3.js">');
    expect(head).toContain('<link rel="modulepreload" crossorigin href="/assets/shared-2.js">');
    expect(head).toContain('<link rel="modulepreload" crossorigin href="/assets/label-core-4.js">');
    expect(head).toContain('<link rel="preload" as="style" href="/assets/reader-5.css">');
    expect(head).not.toContain('modulepreload" crossorigin href="/assets/index-1.js"');
    // A screen the manifest does not name, and the root: the page as built.
    for (const url of ['/inbox', '/']) {
      const plain = await page(url);
      expect(plain.res.body.slice(0, plain.res.body.indexOf('</head>'))).not.toContain('preload');
    }
  });
});
