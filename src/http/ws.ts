import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { ReltoError } from '../errors/index.js';
import { type Lang, readerLang, renderLabel } from '../label/index.js';
import type { NodeService, Person } from '../node/index.js';
import type { DeliveredTrack, TrackServices } from '../track/index.js';
import { retryAfterOf, signInWith } from './auth.js';
import { BASIC_CHALLENGE } from './errors.js';

export const TRACK_STREAM_PATH = '/api/v1/tracks/stream';

/** Close codes: 1008 policy (the person changed, R36), 1013 try again later (no track services, too slow). */
const POLICY = 1008;
const AGAIN = 1013;
const TOO_SLOW = 'too slow: the stream fell too far behind; connect again';

/** What the stream needs of the node's track services. */
export type TrackStreamSource = Pick<TrackServices, 'streamTo'>;
/** A browser that cannot keep up is cut rather than buffered without end. */
const MAX_BUFFERED = 8 * 1024 * 1024;

/** One track as the web map gets it (JSON): what the CoT event carries, with its label rendered for the reader. */
export interface TrackView {
  uid: string;
  type: string;
  time: string;
  start: string;
  stale: string;
  point: { lat: number; lon: number; hae: number; ce: number; le: number };
  track?: { course?: number; speed?: number; slope?: number };
  launch?: { lat: number; lon: number; hae?: number; time?: string };
  impact?: { lat: number; lon: number; hae?: number; ce?: number; time?: string };
  label: {
    originator: string;
    classification: string;
    releasableTo?: string[];
    caveats?: string[];
    topics?: string[];
    /** The banner in the reader's language, with the equivalent level in the reader's scheme (R6). */
    banner: string;
    /** The reader's equivalent level, or null when the agreement gives none. */
    level: string | null;
  };
  feed?: string;
  flow?: string[];
  /** The partner parties this node released the track to (its fan-out's decisions, R29). */
  sentTo: string[];
}

/** Signs in as the API does (the same throttled, audited password check, R29). */
async function signIn(node: NodeService, req: IncomingMessage, url: URL): Promise<Person | null> {
  const header = req.headers.authorization;
  if (header !== undefined) return (await signInWith(node, header, req.socket.remoteAddress)).person;
  // Browsers cannot set headers on a WebSocket: a session token may come as ?token=.
  const token = url.searchParams.get('token');
  return token ? node.authenticateToken(token) : null;
}

/** Refuses the upgrade with the API's error envelope (and its status, challenge and Retry-After). */
function refuse(socket: Duplex, error: ReltoError): void {
  const status = error.status;
  const wait = retryAfterOf(error);
  const body = JSON.stringify(error.toJSON());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 401 ? `WWW-Authenticate: ${BASIC_CHALLENGE}\r\n` : '') +
      (wait !== null ? `Retry-After: ${wait}\r\n` : '') +
      `\r\n${body}`,
  );
}

/**
 * `GET /api/v1/tracks/stream` as a WebSocket: the live tracks the signed-in person may read (decide(read) per
 * track in the node's track services, R31), as JSON TrackView messages, already stripped (R30). Signed in as
 * the API is (HTTP Basic or a bearer token, or `?token=` for browsers); a change of that person closes the
 * stream at once with 1008 (R36). `?lang=ko|ja|en` chooses the banner's language. Without `tracks` (the
 * node runs no track services) a stream closes at once with 1013.
 */
export function registerTrackStream(
  app: FastifyInstance,
  node: NodeService,
  tracks: TrackStreamSource | undefined,
): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TRACK_STREAM_PATH) return; // another upgrade handler's, or none
    socket.on('error', () => {});
    signIn(node, req, url).then(
      (person) => {
        if (!person) {
          return refuse(
            socket,
            new ReltoError('UNAUTHENTICATED', 'unknown user, wrong password, or an unknown token'),
          );
        }
        let lang: Lang;
        try {
          const asked = url.searchParams.get('lang') ?? undefined;
          lang = readerLang(asked, req.headers['accept-language'], person.party);
        } catch (e) {
          return refuse(socket, e instanceof ReltoError ? e : new ReltoError('MALFORMED_REQUEST'));
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          const services = tracks;
          if (!services) {
            ws.close(AGAIN, 'track services are not running on this node');
            return;
          }
          const rendered = new Map<string, { banner: string; level: string | null }>();
          const stream = services.streamTo(
            person,
            (t) => {
              if (ws.bufferedAmount > MAX_BUFFERED) {
                stream.close();
                ws.close(AGAIN, TOO_SLOW);
                return;
              }
              ws.send(JSON.stringify(view(node, person, lang, t, rendered)));
            },
            (reason) => ws.close(POLICY, reason.slice(0, 120)),
          );
          ws.on('close', () => stream.close());
          ws.on('error', () => stream.close());
        });
      },
      (e: unknown) =>
        refuse(socket, e instanceof ReltoError ? e : new ReltoError('UNAUTHENTICATED', 'sign in first')),
    );
  });
  app.addHook('onClose', async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
}

function view(
  node: NodeService,
  person: Person,
  lang: Lang,
  d: DeliveredTrack,
  cache: Map<string, { banner: string; level: string | null }>,
): TrackView {
  const t = d.track;
  const key = `${d.meta.labelKey ?? JSON.stringify(d.label)}\u0000${d.meta.receivedUnder ?? ''}`;
  let r = cache.get(key);
  if (!r) {
    const rl = renderLabel(node.registry, d.label, {
      reader: person.party,
      lang,
      ...(d.meta.receivedUnder !== undefined ? { agreement: d.meta.receivedUnder } : {}),
    });
    r = { banner: rl.banner, level: rl.classification?.level ?? null };
    cache.set(key, r);
  }
  const v: TrackView = {
    uid: t.uid,
    type: t.type,
    time: t.time,
    start: t.start,
    stale: t.stale,
    point: t.point,
    label: {
      originator: d.label.originator,
      classification: d.label.classification,
      ...(d.label.releasableTo ? { releasableTo: d.label.releasableTo } : {}),
      ...(d.label.caveats ? { caveats: d.label.caveats } : {}),
      ...(d.label.topics ? { topics: d.label.topics } : {}),
      banner: r.banner,
      level: r.level,
    },
    sentTo: d.sentTo ?? [],
  };
  if (t.motion) v.track = t.motion;
  if (t.launch) v.launch = t.launch;
  if (t.impact) v.impact = t.impact;
  if (t.relto?.feed !== undefined) v.feed = t.relto.feed;
  if (t.relto?.flow) v.flow = t.relto.flow;
  return v;
}
