import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { DemoNode, PersonName } from './demo-group.js';
import { type Lang, signInNames } from './names.js';

/** Screenshots and the axe runs see the workspace at this size. */
export const VIEWPORT = { width: 1280, height: 800 };

/**
 * One person's browser context on one node: every request to another origin is aborted and recorded (the test
 * asserts the record is empty), and every response body and WebSocket frame the browser receives is kept, so a
 * test can say what the person's browser was given.
 */
export interface PersonContext {
  node: DemoNode;
  context: BrowserContext;
  page: Page;
  /** Requests to an origin other than the node's (aborted). */
  foreign: string[];
  /** Everything received so far: response bodies (as UTF-8 text) and WebSocket frames. */
  received(): Promise<{ url: string; text: string }[]>;
  close(): Promise<void>;
}

const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

export async function personContext(browser: Browser, node: DemoNode): Promise<PersonContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, baseURL: node.web });
  const foreign: string[] = [];
  const bodies: Promise<{ url: string; text: string } | null>[] = [];
  const frames: { url: string; text: string }[] = [];

  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === node.origin || LOCAL_SCHEMES.has(url.protocol)) return route.continue();
    foreign.push(url.href);
    return route.abort('blockedbyclient');
  });
  context.on('response', (response) => {
    bodies.push(
      response
        .body()
        .then((b) => ({ url: response.url(), text: b.toString('utf8') }))
        .catch(() => null), // a redirect or an aborted stream has no body
    );
  });
  const watch = (page: Page) => {
    page.on('websocket', (ws) => {
      const url = new URL(ws.url());
      // A WebSocket is not routed: the guard checks its origin here (ws:// on the node's host and port).
      if (url.host !== new URL(node.origin).host) foreign.push(ws.url());
      ws.on('framereceived', (f) =>
        frames.push({
          url: ws.url(),
          text: typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'),
        }),
      );
    });
  };
  context.on('page', watch);
  const page = await context.newPage();
  return {
    node,
    context,
    page,
    foreign,
    async received() {
      // Bodies still streaming (a live feed) are not waited for beyond a moment.
      const settled = await Promise.all(
        bodies.map((b) => Promise.race([b, new Promise<null>((r) => setTimeout(() => r(null), 2_000))])),
      );
      return [...settled.filter((b): b is { url: string; text: string } => b !== null), ...frames];
    },
    close: () => context.close(),
  };
}

/** The address of a screen in a language: `/inbox?lang=ko`, `/search?q=x&lang=en`. */
export function at(path: string, lang: Lang): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

/**
 * Signs in through the sign-in screen (textbox "User", password field "Password", button "Sign in", in the
 * given language) and waits for the workspace's navigation.
 */
export async function signIn(
  page: Page,
  node: DemoNode,
  person: PersonName,
  lang: Lang = 'en',
): Promise<void> {
  const names = signInNames(lang);
  await page.goto(at('/signin', lang));
  await page.getByRole('textbox', { name: names.user, exact: true }).fill(person);
  await page.getByLabel(names.password, { exact: true }).fill(node.password(person));
  await page.getByRole('button', { name: names.submit, exact: true }).click();
  await page.getByRole('navigation', { name: names.main, exact: true }).waitFor({ timeout: 15_000 });
}

/** Waits for a screen to have loaded what it shows: no loading placeholder or busy region left. */
export async function settle(page: Page, ms = 15_000): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForFunction(
    () => !document.querySelector('.loading, [aria-busy="true"]') && !!document.querySelector('main'),
    undefined,
    { timeout: ms },
  );
  // One more frame for a list filled from the answer that just arrived.
  await page.waitForTimeout(200);
}

/** Presses Tab until the locator has the focus (a keyboard user's way there), or fails naming it. */
export async function tabTo(page: Page, target: Locator, what: string, max = 80): Promise<void> {
  await target.waitFor({ timeout: 15_000 });
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement, undefined, { timeout: 2_000 })) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${what}: not reached with Tab in ${max} presses`);
}

/** The text a locator's element holds ('' when it has none). */
export async function textOf(target: Locator): Promise<string> {
  return (await target.textContent({ timeout: 15_000 })) ?? '';
}
