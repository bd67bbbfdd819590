import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); RELTO_CHROMIUM moves it. */
export const CHROMIUM = process.env.RELTO_CHROMIUM ?? '/usr/bin/chromium';

/** The repository's root (this folder is web/e2e/test-support). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The built workspace the nodes serve. */
export const WEB_DIST = fileURLToPath(new URL('../../../dist/web/index.html', import.meta.url));

/**
 * Chromium, headless, or null when it cannot start outside CI (the browser tests are then skipped with one
 * printed notice, as the PostgreSQL tests are without RELTO_PG_URL). With CI=true a browser that cannot start
 * fails the run: the acceptance says the browser tests run there, never skip.
 */
export async function startBrowser(): Promise<Browser | null> {
  if (!existsSync(WEB_DIST)) {
    // Not a reason to skip: the tests would prove nothing about the workspace as shipped.
    throw new Error(
      'dist/web is missing: build the workspace first (npx vite build -c web/vite.config.ts; npm test does it before vitest)',
    );
  }
  if (!existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)))) {
    throw new Error('dist/ is missing: build the node first (npx tsc -p tsconfig.build.json)');
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30_000 });
  } catch (e) {
    const why = `Chromium could not start at ${CHROMIUM}: ${(e as Error).message.split('\n')[0]}`;
    if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the browser tests must run)`);
    console.warn(`${why}: browser tests skipped`);
    return null;
  }
}
