import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { type BenchContext, median, registerBench } from '../../bench/harness.js';
import { labelToMarking } from '../../stix/index.js';
import { freePort } from '../../test-support/ports.js';
import { TAXII_MEDIA_TYPE } from './media.js';

/*
 * TAXII 2.1 as a client sees it (issue 13): through real HTTP on loopback, a client posts the ATT&CK Mobile
 * bundle to a freshly started `relto serve` as its first request, then 8 more times (each a new copy of the
 * objects), and pages through the collection at limit=100 as a CONFIDENTIAL reader. Beside it, the same
 * client against an in-memory TAXII route on a bare Fastify that only parses and keeps objects in a Map (the
 * floor a TAXII server without validation, labels, encryption, indexing and audit would reach).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MOBILE = join(ROOT, '..', 'shared', 'data', 'attack', 'mobile-attack-14.1.json');
const POSTS = 9;
const LOW = labelToMarking({
  originator: 'KOR',
  classification: 'III',
  topics: ['DPRK-MISSILE'],
}) as unknown as {
  id: string;
};

type Obj = Record<string, unknown> & { id: string; type: string };

/** Copy `n` of the bundle's objects: new ids (markings kept), each labelled CONFIDENTIAL-tier KOR. */
function copyOf(objects: readonly Obj[], n: number): string {
  const prefix = n.toString(16).padStart(8, '0');
  const renewed = JSON.stringify(objects).replace(
    /"([a-z0-9-]+)--[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g,
    (whole, type: string, tail: string) =>
      type === 'marking-definition' ? whole : `"${type}--${prefix}${tail}"`,
  );
  const labelled = (JSON.parse(renewed) as Obj[]).map((o) =>
    o.type === 'marking-definition'
      ? o
      : { ...o, object_marking_refs: [LOW.id, ...((o.object_marking_refs as string[] | undefined) ?? [])] },
  );
  return JSON.stringify({ objects: [LOW, ...labelled] });
}

interface Client {
  objectsUrl: string;
  headers: Record<string, string>;
}

async function post(client: Client, body: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(client.objectsUrl, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': TAXII_MEDIA_TYPE },
    body,
  });
  const status = (await res.json()) as { failure_count?: number };
  if (res.status !== 202 || status.failure_count) {
    throw new Error(`POST answered ${res.status}: ${JSON.stringify(status).slice(0, 300)}`);
  }
  return performance.now() - start;
}

/** Pages through the collection at limit=100 following `next`; objects/s. */
async function pageAll(client: Client): Promise<{ objects: number; ms: number }> {
  const start = performance.now();
  let objects = 0;
  let next: string | undefined;
  for (;;) {
    const url = `${client.objectsUrl}?limit=100${next ? `&next=${encodeURIComponent(next)}` : ''}`;
    const res = await fetch(url, { headers: client.headers });
    if (res.status !== 200) throw new Error(`GET answered ${res.status}`);
    const page = (await res.json()) as { objects?: unknown[]; more?: boolean; next?: string };
    objects += page.objects?.length ?? 0;
    if (!page.more || !page.next) break;
    next = page.next;
  }
  return { objects, ms: performance.now() - start };
}

async function tour(
  ctx: BenchContext,
  subject: string,
  client: Client,
  reader: Client,
  bodies: string[],
  perPost: number,
) {
  const times: number[] = [];
  for (const body of bodies) times.push(await post(client, body));
  const first = perPost / (times[0]! / 1000);
  const warm = perPost / (median(times.slice(1)) / 1000);
  ctx.record(subject, 'objects/s, first POST after start', first);
  ctx.record(subject, 'objects/s, median of the 8 POSTs after it', warm);
  ctx.record(subject, 'first POST ÷ median POST (objects/s)', first / warm);
  const paged = await pageAll(reader);
  ctx.record(subject, 'objects/s, paged GET at limit=100', paged.objects / (paged.ms / 1000));
  ctx.log(
    `${subject}: posts ${times.map((t) => Math.round(t)).join(', ')} ms; paged ${paged.objects} objects in ${Math.round(paged.ms)} ms`,
  );
}

function relto(args: string[], input?: string): void {
  execFileSync(process.execPath, [join(ROOT, 'bin/relto.js'), ...args], {
    input,
    env: { ...process.env, RELTO_PG_URL: '' },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
}

async function startNode(dir: string): Promise<{ child: ChildProcess; base: string }> {
  relto(['node', 'init', '--party', 'KOR', '--data', dir]);
  relto(
    ['user', 'add', '--data', dir, '--name', 'analyst', '--clearance', 'II', '--roles', 'analyst'],
    'analyst-password\n',
  );
  relto(
    ['user', 'add', '--data', dir, '--name', 'reader', '--clearance', 'III', '--roles', 'analyst'],
    'reader-password\n',
  );
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/relto.js'), 'serve', '--data', dir, '--http', `127.0.0.1:${port}`, '--log', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RELTO_PG_URL: '' } },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`relto serve exited with ${code}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

async function clientOf(base: string, user: string, password: string): Promise<Client> {
  const headers = {
    accept: TAXII_MEDIA_TYPE,
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  };
  const discovery = (await (await fetch(`${base}/taxii2/`, { headers })).json()) as { default: string };
  const collections = (await (await fetch(`${discovery.default}collections/`, { headers })).json()) as {
    collections: { id: string }[];
  };
  return {
    objectsUrl: `${discovery.default}collections/${collections.collections[0]!.id}/objects/`,
    headers,
  };
}

/** The floor: TAXII POST and paged GET that parse and keep objects in a Map, nothing else. */
async function startFloor(): Promise<{ base: string; close: () => Promise<void> }> {
  const app = Fastify({ bodyLimit: 128 * 1024 * 1024 });
  app.addContentTypeParser(TAXII_MEDIA_TYPE, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(e as Error);
    }
  });
  const held = new Map<string, Obj>();
  const order: string[] = [];
  const root = '/taxii2/floor/';
  app.get('/taxii2/', async () => ({
    default: `http://${address}${root}`,
    api_roots: [`http://${address}${root}`],
  }));
  app.get(`${root}collections/`, async () => ({ collections: [{ id: 'floor' }] }));
  app.post(`${root}collections/floor/objects/`, async (request, reply) => {
    const objects = (request.body as { objects: Obj[] }).objects;
    for (const o of objects) {
      if (!held.has(o.id)) order.push(o.id);
      held.set(o.id, o);
    }
    return reply.code(202).send({
      status: 'complete',
      total_count: objects.length,
      success_count: objects.length,
      failure_count: 0,
    });
  });
  app.get(`${root}collections/floor/objects/`, async (request) => {
    const q = request.query as { limit?: string; next?: string };
    const limit = Number(q.limit ?? 100);
    const from = q.next ? Number(q.next) : 0;
    const page = order.slice(from, from + limit).map((id) => held.get(id));
    const more = from + limit < order.length;
    return { more, ...(more ? { next: String(from + limit) } : {}), objects: page };
  });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  await app.listen({ host: '127.0.0.1', port });
  return { base: `http://${address}`, close: () => app.close() };
}

registerBench('taxii-client', async (ctx) => {
  const mobile = (JSON.parse(readFileSync(MOBILE, 'utf8')) as { objects: Obj[] }).objects;
  const bodies = Array.from({ length: POSTS }, (_, n) => copyOf(mobile, n + 1));
  const perPost = mobile.length + 1;
  ctx.log(`ATT&CK Mobile: ${mobile.length} objects a post (and the label), ${POSTS} posts`);

  const dir = mkdtempSync(join(tmpdir(), 'relto-taxii-client-'));
  const node = await startNode(dir);
  try {
    const writer = await clientOf(node.base, 'analyst', 'analyst-password');
    const reader = await clientOf(node.base, 'reader', 'reader-password');
    await tour(
      ctx,
      'relto serve (SQLite; validation, labels, encryption, index, audit)',
      writer,
      reader,
      bodies,
      perPost,
    );
  } finally {
    node.child.kill('SIGTERM');
    await new Promise((r) => node.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }

  const floor = await startFloor();
  try {
    const client = await clientOf(floor.base, 'any', 'any');
    await tour(ctx, 'in-memory TAXII route (parse, keep in a Map)', client, client, bodies, perPost);
  } finally {
    await floor.close();
  }
});
