import {
  type ClientHttp2Session,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  connect as http2Connect,
  constants as http2Constants,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { ReltoError } from '../../errors/index.js';
import { type NodeIdentity, peerParty } from '../../identity/index.js';
import { errorAnswer, type Inbox } from './inbox.js';
import type { Partner } from './partners.js';

/**
 * The exchange's wire (contracts §9): `POST /exchange/v1/inbox`, media type application/jose, over HTTPS with
 * mutual TLS. The server asks every client for a certificate issued by a partner's CA, reads the peer's party
 * from its subject O (checked against the CA that party's certificates come from), and the inbox refuses a
 * message whose sender is not that party. This listener is separate from the node's HTTP port (web, API,
 * TAXII), which stays plain HTTP on loopback in the demo.
 *
 * Nodes speak HTTP/2 to each other (HTTP/1.1 is still served): the delivery worker keeps a second message on
 * its way while the partner stores the first, so the partner never waits for the sender between messages.
 * Order holds because a connection's messages are taken in the order they arrived, one at a time, and a
 * message answered with anything but a receipt (200) ends its connection: what was queued behind it on that
 * connection is answered 503 unread and sent again, in order, on a new one.
 */

export const INBOX_PATH = '/exchange/v1/inbox';
const MAX_BODY = 256 * 1024 * 1024;
/** HTTP/2 flow-control windows: a batch's message (hundreds of KB) arrives without waiting for updates. */
const WINDOW = 32 * 1024 * 1024;
/** What one HTTP/2 session may buffer (MB): two messages of MAX_BODY in flight. */
const SESSION_MEMORY_MB = 2 * (MAX_BODY / (1024 * 1024));

export interface InboxServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

function readBody(req: Http2ServerRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('ascii')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('the request was aborted')));
  });
}

/** The connection a request came on: its HTTP/2 session, or its socket (HTTP/1.1). */
function connectionOf(req: Http2ServerRequest): object {
  return (req as Partial<Http2ServerRequest>).stream?.session ?? req.socket;
}

// A TLS connection's client certificate is fixed for its life: read (and parse, with its chain) once per
// keep-alive connection, not per message. The party is still checked against today's partners per message.
const peerCertificates = new WeakMap<object, PeerCertificate>();

function peerCertificate(req: Http2ServerRequest): PeerCertificate {
  const connection = connectionOf(req);
  let cert = peerCertificates.get(connection);
  if (!cert) {
    cert = (req.socket as TLSSocket).getPeerCertificate(true);
    peerCertificates.set(connection, cert);
  }
  return cert;
}

/** A connection's messages, taken one at a time in arrival order; broken once one is not receipted. */
interface Lane {
  tail: Promise<void>;
  broken: boolean;
}

const lanes = new WeakMap<object, Lane>();

/** Takes the next turn on a connection's lane (synchronously, so turns follow arrival order). */
function takeTurn(connection: object): { lane: Lane; turn: Promise<void>; done: () => void } {
  let lane = lanes.get(connection);
  if (!lane) {
    lane = { tail: Promise.resolve(), broken: false };
    lanes.set(connection, lane);
  }
  const turn = lane.tail;
  let done!: () => void;
  lane.tail = new Promise<void>((resolve) => {
    done = resolve;
  });
  return { lane, turn, done };
}

/** Starts the mutual-TLS inbox listener of a node (HTTP/2, and HTTP/1.1 for clients that speak only that). */
export async function startInboxServer(
  inbox: Inbox,
  options: { host: string; port: number },
): Promise<InboxServer> {
  const partners = await inbox.partners.load();
  const { tls } = inbox.identity;
  const cas = () => [tls.ca.certPem, ...partners.map((p) => p.identity.tlsCa)];
  // Errors as the node's API writes them ({"error": {code, message, path}}).
  const refuse = (res: Http2ServerResponse, error: ReltoError) => {
    const answer = errorAnswer(error);
    res.writeHead(answer.status, { 'content-type': answer.contentType });
    res.end(answer.body);
  };
  const server: Http2SecureServer = createSecureServer(
    {
      key: tls.keyPem,
      cert: tls.certPem,
      ca: cas(),
      requestCert: true,
      rejectUnauthorized: true,
      allowHTTP1: true,
      // A partner keeps two messages on their way; a few more streams leave room, and bound what one
      // connection can make this node hold (each body up to MAX_BODY).
      settings: { initialWindowSize: WINDOW, maxConcurrentStreams: 4 },
      maxSessionMemory: SESSION_MEMORY_MB,
    },
    (req, res) => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== INBOX_PATH) {
        refuse(res, new ReltoError('NOT_FOUND', 'no such route'));
        return;
      }
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/jose') {
        refuse(res, new ReltoError('UNSUPPORTED_MEDIA_TYPE', 'send application/jose'));
        return;
      }
      const connection = connectionOf(req);
      // Taken now, as the request arrives: its body is read at once, its message handled in its turn.
      const { lane, turn, done } = takeTurn(connection);
      const http2 = req.httpVersionMajor === 2;
      void (async () => {
        let status = 500;
        let contentType = 'application/json';
        let body: string;
        try {
          // Read whatever its turn; a body that cannot be read still waits for it, so turns stay in order.
          const jwe = await readBody(req).then(
            async (text) => {
              await turn;
              return text;
            },
            async (e: Error) => {
              await turn;
              throw e;
            },
          );
          if (lane.broken) {
            // A message before this one on the connection was not receipted: this one is not handled, so it
            // can never be stored ahead of that one; the sender sends both again on a new connection.
            ({ status, contentType, body } = errorAnswer(new ReltoError('RETRY_IN_ORDER')));
          } else {
            const peerOf = (list: Partner[]) => {
              const fingerprints = new Map(list.map((p) => [p.party, [p.caFingerprint]]));
              return peerParty(peerCertificate(req), (party) => fingerprints.get(party));
            };
            // Partners as read at most 2 s ago; read again before a peer is taken for no partner.
            const peer = peerOf(await inbox.partners.current()) ?? peerOf(await inbox.partners.load());
            const answer = await inbox.receive(jwe.trim(), peer);
            ({ status, contentType, body } = answer);
          }
        } catch (e) {
          ({ status, contentType, body } = errorAnswer(new ReltoError('INTERNAL', (e as Error).message)));
        }
        if (status !== 200) lane.broken = true;
        done();
        try {
          const headers: Record<string, string> = { 'content-type': contentType };
          if (status !== 200 && !http2) headers.connection = 'close';
          res.writeHead(status, headers);
          res.end(body);
          if (status !== 200 && http2) (connection as { close?: () => void }).close?.();
        } catch {
          // the connection is gone; the sender tries again
        }
      })();
    },
  );
  server.on('session', (session) => {
    session.setLocalWindowSize(WINDOW);
  });
  // Open connections, closed with the server (HTTP/2 sessions and HTTP/1.1 sockets alike). Counted from the
  // TCP connection, not the TLS handshake's end: a partner's connection still in its handshake when the node
  // stops would otherwise hold server.close() for the whole handshake timeout (two minutes).
  const sockets = new Set<Socket | TLSSocket>();
  const track = (socket: Socket | TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  server.on('secureConnection', track);
  // New partners' CAs are trusted without a restart.
  const refresh = setInterval(() => {
    void inbox.partners.load().then((list) => {
      partners.splice(0, partners.length, ...list);
      server.setSecureContext({ key: tls.keyPem, cert: tls.certPem, ca: cas() });
    });
  }, 2000);
  refresh.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    url: `https://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(refresh);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** One HTTP/2 session per partner (and its URL and CA), kept open between messages. */
const sessions = new Map<string, { session: ClientHttp2Session; inFlight: number }>();

/** Who posts: this node's party and identity (its TLS client certificate). */
type Poster = { party: string; identity: NodeIdentity };

function sessionFor(exchange: Poster, partner: Partner): { session: ClientHttp2Session; inFlight: number } {
  const key = `${exchange.party}>${partner.party}|${partner.url}|${partner.caFingerprint}`;
  const held = sessions.get(key);
  if (held && !held.session.closed && !held.session.destroyed) return held;
  const { tls } = exchange.identity;
  const session = http2Connect(partner.url, {
    key: tls.keyPem,
    cert: tls.certPem,
    ca: partner.identity.tlsCa,
    settings: { initialWindowSize: WINDOW },
    maxSessionMemory: SESSION_MEMORY_MB,
  });
  const entry = { session, inFlight: 0 };
  const drop = () => {
    if (sessions.get(key) === entry) sessions.delete(key);
  };
  // Errors reach the requests on it; the session is only forgotten, so the next message opens a new one.
  session.on('error', drop);
  session.on('goaway', drop);
  session.on('close', drop);
  // An idle session does not keep the process alive (as an idle keep-alive socket did not).
  session.unref();
  sessions.set(key, entry);
  return entry;
}

/**
 * POSTs a compact JWE to a partner's inbox over mutual TLS (HTTP/2); resolves with the status and the body.
 * Messages posted one after another to a partner arrive, and are handled there, in that order, while earlier
 * ones are still being answered. An answer other than 200 ends the session: the partner refuses (503) what
 * was queued behind that message on it, and the next message opens a new session.
 */
export function postToPartner(
  exchange: Poster,
  partner: Partner,
  jwe: string,
  timeoutMs = 30_000,
): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const held = sessionFor(exchange, partner);
    const { session } = held;
    let finished = false;
    const finish = (error: Error | null, answer?: { status: number; contentType: string; body: string }) => {
      if (finished) return;
      finished = true;
      held.inFlight--;
      if (held.inFlight === 0) session.unref();
      if (error || answer?.status !== 200) session.close();
      if (error) reject(error);
      else resolve(answer!);
    };
    held.inFlight++;
    session.ref();
    let stream: ReturnType<ClientHttp2Session['request']>;
    try {
      stream = session.request({
        ':method': 'POST',
        ':path': INBOX_PATH,
        'content-type': 'application/jose',
        'content-length': Buffer.byteLength(jwe),
      });
    } catch (e) {
      finish(e as Error);
      return;
    }
    let status = 0;
    let contentType = '';
    const chunks: Buffer[] = [];
    stream.on('response', (headers) => {
      status = Number(headers[':status'] ?? 0);
      contentType = String(headers['content-type'] ?? '');
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () =>
      finish(null, { status, contentType, body: Buffer.concat(chunks).toString('utf8') }),
    );
    stream.on('error', (e) => finish(e));
    stream.on('close', () => finish(new Error(`the stream closed (${stream.rstCode})`)));
    stream.setTimeout(timeoutMs, () => stream.close(http2Constants.NGHTTP2_CANCEL));
    stream.end(jwe);
  });
}

/** Closes the partner sessions (tests, shutdown). */
export function closeAgents(): void {
  for (const { session } of sessions.values()) session.destroy();
  sessions.clear();
}
