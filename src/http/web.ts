import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where `vite build` writes the web workspace: `dist/web/` at the package root, found from this file's place
 * (src/http or dist/http, two levels down), never from the working directory.
 */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The workspace's screens: each path (and what follows it, as `/items/:id`) answers the page, so deep links reload. */
export const WEB_SCREENS = [
  'signin',
  'inbox',
  'items',
  'write',
  'search',
  'releases',
  'consents',
  'custody',
  'compromises',
  'people',
  'map',
  'audit',
  'agreements',
  'partners',
] as const;

/** Hashed file names never change content, so a browser keeps them a year without asking again. */
const A_YEAR_MS = 365 * 86_400_000;

const NOT_BUILT =
  'The web workspace is not built on this node: dist/web/index.html is missing.\n' +
  'Build it with `npm run build` in the relto package folder (its vite build writes dist/web/), then reload.\n' +
  'The API (/api/v1), TAXII (/taxii2) and their description (/docs) work without it.\n';

/**
 * Serves the web workspace from `root` (default `dist/web`): `/assets/*` cached for a year (immutable),
 * the other built files at the root (favicon, …), and `/` and every screen path the page itself, never
 * cached, so a new build is picked up on the next load. Without a build, those paths answer 503 saying so;
 * unknown paths elsewhere stay the API's 404.
 */
export async function webWorkspace(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? DEFAULT_WEB_ROOT;
  const index = join(root, 'index.html');

  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    index: false,
    immutable: true,
    maxAge: A_YEAR_MS,
    decorateReply: false,
    suppressWarning: true,
  });
  // Files beside index.html, as the build left them when the node started (a rebuild's assets are served
  // at once above; a new favicon waits for a restart).
  if (existsSync(root)) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      globIgnore: ['index.html', 'assets/**'],
      cacheControl: false,
      setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
      decorateReply: false,
    });
  }

  const page = async (_request: unknown, reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(index);
    } catch {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  const hide = { schema: { hide: true } };
  app.get('/', hide, page);
  for (const screen of WEB_SCREENS) {
    app.get(`/${screen}`, hide, page);
    app.get(`/${screen}/*`, hide, page);
  }
}
