import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './auth.js';
import { bootElement, webBoot } from './web-boot.js';

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
  'news',
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

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    let html: string;
    try {
      html = await readFile(index, 'utf8');
    } catch {
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(NOT_BUILT);
    }
    const preloads = await screenPreloads(root, request.url);
    const head = preloads ? html.replace('</head>', `${preloads}</head>`) : html;
    const end = head.lastIndexOf('</body>');
    const [first, last] = end < 0 ? [head, ''] : [head.slice(0, end), head.slice(end)];
    // The page up to its end goes at once, so the browser fetches the scripts while the node gathers the
    // boot answers; the scripts (modules, deferred) run after the rest has arrived.
    const body = new PassThrough();
    body.write(first);
    void webBoot(app, request).then(
      (boot) => body.end(bootElement(boot) + last),
      (error: unknown) => {
        request.log.warn({ err: error }, 'the page goes without its boot answers');
        body.end(last);
      },
    );
    // A signed-in page carries the person's answers: no cache keeps it.
    const signedIn = request.cookies?.[SESSION_COOKIE] !== undefined;
    return reply
      .header('cache-control', signedIn ? 'private, no-store' : 'no-cache')
      .header('vary', 'cookie')
      .type('text/html; charset=utf-8')
      .send(body);
  };
  const hide = { schema: { hide: true } };
  app.get('/', hide, page);
  for (const screen of WEB_SCREENS) {
    app.get(`/${screen}`, hide, page);
    app.get(`/${screen}/*`, hide, page);
  }
}

/** One chunk of Vite's build manifest (`.vite/manifest.json`), as far as the page needs it. */
interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

/** The built screen folder a page path opens (a report's deep link opens the reader). */
function screenFolder(url: string): string | null {
  const first = /^\/([a-z]+)/.exec(url)?.[1];
  if (!first || !(WEB_SCREENS as readonly string[]).includes(first)) return null;
  return first === 'items' ? 'reader' : first;
}

/**
 * `<link rel="modulepreload">` for the page's own screen chunk and what it imports, from the build's
 * manifest: the browser loads them beside the entry script rather than after it has run.
 */
async function screenPreloads(root: string, url: string): Promise<string> {
  const folder = screenFolder(url);
  if (!folder) return '';
  let manifest: Record<string, ManifestChunk>;
  try {
    manifest = JSON.parse(await readFile(join(root, '.vite', 'manifest.json'), 'utf8'));
  } catch {
    return ''; // a build without its manifest: the page loads the chunk itself, a little later
  }
  const entry = Object.keys(manifest).find((k) => k.endsWith(`screens/${folder}/index.tsx`));
  if (!entry) return '';
  const scripts = new Set<string>();
  const styles = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || chunk.isEntry || scripts.has(chunk.file)) return; // the entry is the page's own script
    scripts.add(chunk.file);
    for (const css of chunk.css ?? []) styles.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  const safe = (file: string) => /^[\w./-]+$/.test(file);
  return [
    ...[...styles].filter(safe).map((f) => `<link rel="preload" as="style" href="/${f}">`),
    ...[...scripts].filter(safe).map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`),
  ].join('');
}
