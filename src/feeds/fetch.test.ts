import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFeedUrl, MAX_FEED_BYTES } from './fetch.js';
import { FeedProblem } from './problem.js';
import { decodeFeed, readFeed } from './read.js';

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Loopback News</title><link>http://x/</link><description>d</description>
<item><title>One</title><guid>1</guid></item></channel></rss>`;

/** A feed server with one route per case, as real feeds misbehave. */
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/feed': (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/rss+xml',
      etag: '"v1"',
      'last-modified': 'Mon, 07 Dec 2026 00:00:00 GMT',
    });
    res.end(FEED);
  },
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    res.end(gzipSync(FEED));
  },
  '/loop': (_req, res) => {
    res.writeHead(302, { location: '/loop' }).end();
  },
  '/big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    // 6 MiB, streamed without a length
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 96; i++) res.write(chunk);
    res.end();
  },
  '/bomb': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    res.end(gzipSync(Buffer.alloc(MAX_FEED_BYTES + 1024, 0x20)));
  },
  '/slow': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?>');
    // never ends
  },
  '/gone': (_req, res) => {
    res.writeHead(404).end('no');
  },
};
for (let n = 1; n <= 5; n++) {
  routes[`/hop${n}`] = (_req, res) => {
    res.writeHead(301, { location: n === 5 ? '/feed' : `/hop${n + 1}` }).end();
  };
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? routes['/gone']!)(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function kindOf(call: Promise<unknown>): Promise<string> {
  const e = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(e).toBeInstanceOf(FeedProblem);
  return (e as FeedProblem).kind;
}

describe('fetching a feed over HTTP', () => {
  it('fetches, keeps the validators, and takes a 304 to a conditional GET as nothing new', async () => {
    const first = await fetchFeedUrl(`${base}/feed`);
    expect(first.notModified).toBe(false);
    if (first.notModified) return;
    expect(first.validators).toEqual({ etag: '"v1"', lastModified: 'Mon, 07 Dec 2026 00:00:00 GMT' });
    expect(readFeed(decodeFeed(first.bytes, first.contentType)).items[0]!.title).toBe('One');
    expect(await fetchFeedUrl(`${base}/feed`, first.validators)).toEqual({ notModified: true });
  });

  it('reads a gzip body', async () => {
    const got = await fetchFeedUrl(`${base}/gzip`);
    expect(got.notModified === false && readFeed(decodeFeed(got.bytes)).title).toBe('Loopback News');
  });

  it('follows five redirects and refuses a loop', async () => {
    expect((await fetchFeedUrl(`${base}/hop1`)).notModified).toBe(false);
    expect(await kindOf(fetchFeedUrl(`${base}/loop`))).toBe('redirects');
  });

  it('refuses a 6 MiB feed and a gzip body that opens past 5 MiB', async () => {
    expect(await kindOf(fetchFeedUrl(`${base}/big`))).toBe('too-large');
    expect(await kindOf(fetchFeedUrl(`${base}/bomb`))).toBe('too-large');
  });

  it('gives up on a server that stops sending, and names an HTTP error and an unreachable host', async () => {
    expect(await kindOf(fetchFeedUrl(`${base}/slow`, {}, 500))).toBe('timeout');
    expect(await kindOf(fetchFeedUrl(`${base}/gone`))).toBe('http-status');
    expect(await kindOf(fetchFeedUrl('http://127.0.0.1:1/feed'))).toBe('unreachable');
  });
});
