import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type BenchContext, median, registerBench } from '../bench/harness.js';
import type { Label } from '../label/index.js';
import { labelToMarking, partyIdentityId } from '../stix/index.js';
import { freePort } from '../test-support/ports.js';

/*
 * The web workspace in headless Chromium on this machine (issue 12), each figure beside the same figure for
 * a bare Vite React page served by Fastify (the ceiling: what React and the browser cost with nothing of
 * relto's): JavaScript for the first screen, first contentful paint of the inbox, a 200-paragraph report
 * interactive, the map's frame rate under 1,000 live tracks at 1,000 updates/s, and an inbox of 20,000 items
 * (DOM rows at any time, scrolling to the end). The node is the real demo (three nodes, `relto demo`).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORTIONS = 'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b';

interface DemoNode {
  http: string;
  web?: string;
  cotTcp: number;
  people: { name: string; password: string }[];
}

async function startDemo(ctx: BenchContext): Promise<{ dir: string; child: ChildProcess; kor: DemoNode }> {
  const dir = mkdtempSync(join(tmpdir(), 'relto-web-bench-'));
  const base = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/relto.js'), 'demo', '--base-port', String(base), '--dir', dir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const manifest = join(dir, 'manifest.json');
  const end = Date.now() + 120_000;
  for (;;) {
    if (existsSync(manifest)) {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as {
        ready?: boolean;
        nodes: Record<string, DemoNode>;
      };
      if (m.ready) {
        ctx.log(`demo ready at ${m.nodes.KOR!.http}`);
        return { dir, child, kor: m.nodes.KOR! };
      }
    }
    if (Date.now() > end || child.exitCode !== null)
      throw new Error('the demo did not become ready in 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopDemo(d: { dir: string; child: ChildProcess }): Promise<void> {
  const exited = new Promise((r) => d.child.once('exit', r));
  d.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  rmSync(d.dir, { recursive: true, force: true });
}

/** The ceiling page built with the same Vite into a temporary folder and served by a bare Fastify. */
async function startCeiling(): Promise<{ url: string; close: () => Promise<void> }> {
  const out = mkdtempSync(join(tmpdir(), 'relto-ceiling-'));
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({
    root: join(ROOT, 'web/bench/ceiling'),
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: out, emptyOutDir: true, modulePreload: { polyfill: false } },
  });
  const app = Fastify();
  await app.register(fastifyStatic, { root: out });
  app.get('/inbox', (_req, reply) => reply.sendFile('index.html'));
  const port = await freePort();
  await app.listen({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

function person(node: DemoNode, name: string): { user: string; password: string } {
  const p = node.people.find((x) => x.name === name);
  if (!p) throw new Error(`the demo has no ${name}`);
  return { user: p.name, password: p.password };
}

/** A context signed in as `name` through the cookie session (the cookie is shared with its pages). */
async function signedIn(browser: Browser, node: DemoNode, name: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const answer = await context.request.post(`${node.http}/api/v1/session`, { data: person(node, name) });
  if (!answer.ok()) throw new Error(`sign-in of ${name} failed: ${answer.status()} ${await answer.text()}`);
  return context;
}

async function basicPost(node: DemoNode, name: string, path: string, body: unknown): Promise<unknown> {
  const { user, password } = person(node, name);
  const response = await fetch(`${node.http}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const KOR_SECRET: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN', 'USA'],
  topics: ['DPRK-MISSILE'],
};

function reportOf(name: string, paragraphs: number, at: string): object[] {
  const marking = labelToMarking(KOR_SECRET) as unknown as { id: string };
  const report = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${randomUUID()}`,
    created: at,
    modified: at,
    created_by_ref: partyIdentityId('KOR'),
    name,
    published: at,
    object_refs: [partyIdentityId('KOR')],
    object_marking_refs: [marking.id],
    ...(paragraphs > 0
      ? {
          extensions: {
            [PORTIONS]: {
              extension_type: 'property-extension',
              portions: Array.from({ length: paragraphs }, (_, i) => ({
                text: `Paragraph ${i + 1}: observed launch preparations at the site, with the details of the watch.`,
              })),
            },
          },
        }
      : {}),
  };
  return [marking, report];
}

/** Sums the gzipped size of every script the page loads until it is idle. */
async function firstScreenScripts(page: Page, url: string): Promise<number> {
  const sizes: Promise<number>[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script')
      sizes.push(
        r.body().then(
          (b) => gzipSync(b, { level: 9 }).length,
          () => 0,
        ),
      );
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  return (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
}

async function fcp(context: BrowserContext, url: string, runs: number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    // Browser-side code as text: this file is compiled without the DOM's types.
    const v = (await page.evaluate(`new Promise((resolve) => {
      const seen = performance.getEntriesByName('first-contentful-paint')[0];
      if (seen) return resolve(seen.startTime);
      new PerformanceObserver((list) => {
        const e = list.getEntriesByName('first-contentful-paint')[0];
        if (e) resolve(e.startTime);
      }).observe({ type: 'paint', buffered: true });
    })`)) as number;
    values.push(v);
    await page.close();
  }
  return median(values);
}

/** The few DOM calls the page-side checks make (this file is compiled without the DOM's types). */
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; disabled?: boolean }>;
  querySelector(selector: string): object | null;
}

/** The reader has every portion and its "Request release" button: the 200-paragraph report is interactive. */
function readerReady(): boolean {
  // Serialised into the page: it may use nothing from this module's scope.
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  return (
    doc.querySelectorAll('article').length >= 200 &&
    Array.from(doc.querySelectorAll('button')).some(
      (b) => (b.textContent ?? '').includes('Request release') && !b.disabled,
    )
  );
}

function ceilingReady(): boolean {
  // Serialised into the page: it may use nothing from this module's scope.
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  return doc.querySelectorAll('article p').length >= 200 && doc.querySelector('[data-ready]') !== null;
}

/**
 * Milliseconds from navigation until `ready` holds in the page (checked every animation frame; a function,
 * not a string: the node's CSP refuses a string evaluated in the page). Every run navigates the same open tab
 * (from a blank page), so the figure is the page's own: opening a tab costs this Chromium far more than the
 * page (it loads its own address-bar UI in every new tab, seen in a trace, 200–300 ms on two cores). The
 * first run, with nothing cached or compiled, is its own figure; the rest give the median.
 */
async function interactive(
  context: BrowserContext,
  url: string,
  ready: () => boolean,
  runs: number,
): Promise<{ first: number; median: number }> {
  const values: number[] = [];
  const page = await context.newPage();
  for (let i = 0; i <= runs; i++) {
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 30_000 });
    values.push(await page.evaluate(() => performance.now()));
  }
  await page.close();
  return { first: values[0]!, median: median(values.slice(1)) };
}

/** Frames per second the page draws over `seconds` (requestAnimationFrame callbacks). */
async function frameRate(page: Page, seconds: number): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const tick = (now) => {
      frames++;
      if (now - start < ${seconds * 1000}) requestAnimationFrame(tick);
      else resolve((frames * 1000) / (now - start));
    };
    requestAnimationFrame(tick);
  })`)) as number;
}

/** 1,000 tracks, each updated once a second, to the node's sensor input: 1,000 updates/s for `seconds`. */
async function feedTracks(port: number, tracks: number, seconds: number): Promise<number> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  const perTick = tracks / 10;
  let tick = 0;
  while (Date.now() < end) {
    const now = new Date();
    const stale = new Date(now.getTime() + 60_000).toISOString();
    let batch = '';
    for (let i = 0; i < perTick; i++) {
      const n = (tick * perTick + i) % tracks;
      const lat = 35 + (n % 50) * 0.1 + (tick % 600) * 0.001;
      const lon = 125 + Math.floor(n / 50) * 0.2;
      batch += `<event version="2.0" uid="BENCH-${n}" type="a-h-A-M-F" how="m-g" time="${now.toISOString()}" start="${now.toISOString()}" stale="${stale}"><point lat="${lat.toFixed(5)}" lon="${lon.toFixed(5)}" hae="10000" ce="50" le="50"/></event>`;
    }
    socket.write(batch);
    sent += perTick;
    tick++;
    await new Promise((r) => setTimeout(r, 100));
  }
  socket.end();
  return sent / seconds;
}

registerBench('web', async (ctx) => {
  if (!existsSync(join(ROOT, 'dist/web/index.html')))
    throw new Error('the web workspace is not built: npm run build');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  const ceiling = await startCeiling();
  const demo = await startDemo(ctx);
  const kor = demo.kor;
  const web = kor.web ?? `${kor.http}/`;
  try {
    // JavaScript for the first screen (gzipped), and first contentful paint of the inbox.
    const analyst = await signedIn(browser, kor, 'analyst');
    const plain = await browser.newContext();
    const firstPage = await analyst.newPage();
    ctx.record(
      'relto inbox',
      'first-screen JS gzipped (KB)',
      (await firstScreenScripts(firstPage, `${web}inbox`)) / 1024,
    );
    await firstPage.close();
    const ceilingPage = await plain.newPage();
    ctx.record(
      'bare Vite React page',
      'first-screen JS gzipped (KB)',
      (await firstScreenScripts(ceilingPage, `${ceiling.url}/inbox`)) / 1024,
    );
    await ceilingPage.close();
    ctx.record(
      'relto inbox',
      'first contentful paint (ms, median of 5)',
      await fcp(analyst, `${web}inbox`, 5),
    );
    ctx.record(
      'bare Vite React page',
      'first contentful paint (ms, median of 5)',
      await fcp(plain, `${ceiling.url}/inbox`, 5),
    );

    // A 200-paragraph report, interactive: every portion shown and "Request release" ready.
    const at = new Date().toISOString();
    const long = reportOf('Two hundred paragraphs', 200, at);
    await basicPost(kor, 'analyst', '/api/v1/items', { objects: long });
    const longId = (long[1] as { id: string }).id;
    const reader = await interactive(analyst, `${web}items/${longId}?lang=en`, readerReady, 5);
    const bareReader = await interactive(plain, `${ceiling.url}/inbox?paragraphs=200`, ceilingReady, 5);
    ctx.record('relto reader', '200-paragraph report interactive (ms, median of 5)', reader.median);
    ctx.record(
      'bare Vite React page',
      '200-paragraph report interactive (ms, median of 5)',
      bareReader.median,
    );
    ctx.record('relto reader', '200-paragraph report interactive, first load (ms)', reader.first);
    ctx.record('bare Vite React page', '200-paragraph report interactive, first load (ms)', bareReader.first);

    // The map with 1,000 live tracks at 1,000 updates/s.
    const watch = await signedIn(browser, kor, 'watch');
    const map = await watch.newPage();
    await map.goto(`${web}map?lang=en`, { waitUntil: 'networkidle' });
    await map.getByRole('region', { name: 'Map' }).waitFor({ timeout: 30_000 });
    const feeding = feedTracks(kor.cotTcp, 1000, 12);
    await new Promise((r) => setTimeout(r, 4000)); // the tracks arrive and the map fills
    const fps = await frameRate(map, 5);
    const rate = await feeding;
    const shown = await map.getByRole('list', { name: 'Tracks' }).getByRole('listitem').count();
    ctx.log(`fed ${Math.round(rate)} updates/s; ${shown} tracks listed in the DOM`);
    ctx.record('relto map', 'frames/s with 1,000 tracks at 1,000 updates/s', fps);
    await map.close();
    const idle = await plain.newPage();
    await idle.goto(`${ceiling.url}/inbox`, { waitUntil: 'load' });
    ctx.record(
      'bare Vite React page',
      'frames/s with 1,000 tracks at 1,000 updates/s',
      await frameRate(idle, 5),
    );
    await idle.close();

    // An inbox of 20,000 items: DOM rows at any time, and scrolling to the end.
    const total = 20_000;
    const batch = 500;
    const t0 = Date.now();
    for (let i = 0; i < total; i += batch) {
      const objects: object[] = [];
      for (let j = i; j < i + batch; j++) {
        const [marking, r] = reportOf(
          `Inbox item ${String(j).padStart(5, '0')}`,
          0,
          new Date(Date.now() - (total - j) * 1000).toISOString(),
        );
        if (j === i) objects.push(marking!);
        objects.push(r!);
      }
      await basicPost(kor, 'analyst', '/api/v1/items', { objects });
    }
    ctx.log(`stored ${total} items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const inbox = await analyst.newPage();
    await inbox.goto(`${web}inbox?lang=en`, { waitUntil: 'networkidle' });
    await inbox.getByText('Inbox item 19999').first().waitFor({ timeout: 60_000 });
    // The scrolling element is the nearest scrollable ancestor of the rows (the list virtualises inside it).
    await inbox.evaluate(`(() => {
      const rows = document.querySelectorAll('[role="row"], li');
      let el = rows[rows.length - 1] ?? null;
      while (el && el.scrollHeight <= el.clientHeight + 1) el = el.parentElement;
      window.__scroller = el ?? document.scrollingElement;
    })()`);
    const started = Date.now();
    let maxRows = 0;
    for (;;) {
      const state = (await inbox.evaluate(`(() => {
        window.__scroller.scrollTop = window.__scroller.scrollHeight;
        return {
          rows: document.querySelectorAll('[role="row"], li').length,
          end: document.body.innerText.includes('Inbox item 00000'),
        };
      })()`)) as { rows: number; end: boolean };
      maxRows = Math.max(maxRows, state.rows);
      if (state.end || Date.now() - started > 30_000) break;
      await new Promise((r) => setTimeout(r, 16));
    }
    ctx.record('relto inbox', 'scroll to the end of 20,000 items (ms)', Date.now() - started);
    ctx.record('relto inbox', 'most DOM rows while scrolling 20,000 items', maxRows);
    const rowsPage = await plain.newPage();
    await rowsPage.goto(`${ceiling.url}/inbox?rows=${total}`, { waitUntil: 'load' });
    const bare = (await rowsPage.evaluate(`(async () => {
      const start = performance.now();
      window.scrollTo(0, document.body.scrollHeight);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return { ms: performance.now() - start, rows: document.querySelectorAll('li').length };
    })()`)) as { ms: number; rows: number };
    ctx.record('bare Vite React page', 'scroll to the end of 20,000 items (ms)', bare.ms);
    ctx.record('bare Vite React page', 'most DOM rows while scrolling 20,000 items', bare.rows);
    await rowsPage.close();
    await analyst.close();
    await watch.close();
    await plain.close();
  } finally {
    await browser.close();
    await ceiling.close();
    await stopDemo(demo);
  }
});
