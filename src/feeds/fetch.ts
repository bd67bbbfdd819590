import { open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { FeedProblem } from './problem.js';

/** The most bytes a feed may have, compressed or not (a bigger one is refused, nothing stored). */
export const MAX_FEED_BYTES = 5 * 1024 * 1024;
export const FETCH_TIMEOUT_MS = 10_000;
export const MAX_REDIRECTS = 5;

/** What a conditional GET sends back (the validators of the last answer that was read). */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type Fetched =
  | { notModified: true }
  | { notModified: false; bytes: Buffer; contentType?: string; validators: Validators };

let agent: Dispatcher | undefined;

/** One agent for every feed: at most 5 redirects followed, 10 s for the headers and between body bytes. */
function dispatcher(): Dispatcher {
  agent ??= new Agent({
    headersTimeout: FETCH_TIMEOUT_MS,
    bodyTimeout: FETCH_TIMEOUT_MS,
    connect: { timeout: FETCH_TIMEOUT_MS },
  }).compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  return agent;
}

function tooLarge(): FeedProblem {
  return new FeedProblem('too-large', `the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MiB`);
}

/** The body as sent, decompressed (gzip, deflate, br) with the same cap on what comes out. */
function decoded(bytes: Buffer, encoding: string | undefined): Buffer {
  const options = { maxOutputLength: MAX_FEED_BYTES };
  try {
    switch ((encoding ?? 'identity').trim().toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(bytes, options);
      case 'deflate':
        return inflateSync(bytes, options);
      case 'br':
        return brotliDecompressSync(bytes, options);
      case 'identity':
      case '':
        return bytes;
      default:
        throw new FeedProblem(
          'malformed',
          `the feed is sent in an encoding relto does not read: ${encoding}`,
        );
    }
  } catch (e) {
    if (e instanceof FeedProblem) throw e;
    if (e instanceof RangeError) throw tooLarge();
    throw new FeedProblem('malformed', `the feed's ${encoding} body cannot be decompressed`);
  }
}

/**
 * GETs a feed over HTTP(S): conditional (ETag, Last-Modified), compressed, at most 5 redirects, 10 s, 5 MiB.
 * Every failure is a FeedProblem naming what went wrong.
 */
export async function fetchFeedUrl(
  url: string,
  validators: Validators = {},
  timeoutMs = FETCH_TIMEOUT_MS,
): Promise<Fetched> {
  const headers: Record<string, string> = {
    accept:
      'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
    'accept-encoding': 'gzip, deflate, br',
    'user-agent': 'relto-feeds/1',
  };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  const started = Date.now();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      dispatcher: dispatcher(),
      headers,
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (e) {
    const name = (e as Error).name;
    const code = (e as { code?: string }).code ?? '';
    if (/redirect/i.test((e as Error).message)) {
      throw new FeedProblem('redirects', `the feed redirects in a loop or more than ${MAX_REDIRECTS} times`);
    }
    if (name === 'TimeoutError' || name === 'AbortError' || code.includes('TIMEOUT')) {
      throw new FeedProblem('timeout', `the feed did not answer within ${timeoutMs / 1000} s`);
    }
    throw new FeedProblem('unreachable', `the feed cannot be reached: ${(e as Error).message}`);
  }
  const header = (name: string): string | undefined => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  if (res.statusCode === 304) {
    await res.body.dump();
    return { notModified: true };
  }
  if (res.statusCode >= 300 && res.statusCode < 400) {
    await res.body.dump();
    throw new FeedProblem('redirects', `the feed redirects more than ${MAX_REDIRECTS} times (or nowhere)`);
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new FeedProblem('http-status', `the feed answered HTTP ${res.statusCode}`);
  }
  const declared = Number(header('content-length'));
  if (Number.isFinite(declared) && declared > MAX_FEED_BYTES) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // The whole fetch, body included, within the time: a server that stops sending is given up on.
  const stalled = new FeedProblem('timeout', `the feed did not arrive within ${timeoutMs / 1000} s`);
  const deadline = setTimeout(
    () => res.body.destroy(stalled),
    Math.max(0, timeoutMs - (Date.now() - started)),
  );
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_FEED_BYTES) {
        res.body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof FeedProblem) throw e;
    throw new FeedProblem('timeout', `the feed stopped sending: ${(e as Error).message}`);
  } finally {
    clearTimeout(deadline);
  }
  const bytes = decoded(Buffer.concat(chunks), header('content-encoding'));
  const out: Validators = {};
  const etag = header('etag');
  const lastModified = header('last-modified');
  if (etag) out.etag = etag;
  if (lastModified) out.lastModified = lastModified;
  const contentType = header('content-type');
  return { notModified: false, bytes, ...(contentType ? { contentType } : {}), validators: out };
}

/** Reads a feed from a file, with the same 5 MiB cap. */
export async function readFeedFile(path: string): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new FeedProblem('unreachable', `the feed file cannot be read: ${(e as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_FEED_BYTES) throw tooLarge();
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
