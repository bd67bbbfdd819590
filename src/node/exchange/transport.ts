import type { IncomingMessage } from 'node:http';
import { createServer, Agent as HttpsAgent, request as httpsRequest, type Server } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { peerParty } from '../../identity/index.js';
import type { Exchange } from './exchange.js';
import type { Partner } from './partners.js';

/**
 * The exchange's wire (contracts §9): `POST /exchange/v1/inbox`, media type application/jose, over HTTPS with
 * mutual TLS. The server asks every client for a certificate issued by a partner's CA, reads the peer's party
 * from its subject O (checked against the CA that party's certificates come from), and the inbox refuses a
 * message whose sender is not that party. This listener is separate from the node's HTTP port (web, API,
 * TAXII), which stays plain HTTP on loopback in the demo.
 */

export const INBOX_PATH = '/exchange/v1/inbox';
const MAX_BODY = 256 * 1024 * 1024;

export interface InboxServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
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
  });
}

// A TLS connection's client certificate is fixed for its life: read (and parse, with its chain) once per
// keep-alive connection, not per message. The party is still checked against today's partners per message.
const peerCertificates = new WeakMap<TLSSocket, PeerCertificate>();

function peerCertificate(socket: TLSSocket): PeerCertificate {
  let cert = peerCertificates.get(socket);
  if (!cert) {
    cert = socket.getPeerCertificate(true);
    peerCertificates.set(socket, cert);
  }
  return cert;
}

/** Starts the mutual-TLS inbox listener of a node. */
export async function startInboxServer(
  exchange: Exchange,
  options: { host: string; port: number },
): Promise<InboxServer> {
  const partners = await exchange.loadPartners();
  const { tls } = exchange.identity;
  const cas = () => [tls.ca.certPem, ...partners.map((p) => p.identity.tlsCa)];
  const server: Server = createServer(
    {
      key: tls.keyPem,
      cert: tls.certPem,
      ca: cas(),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      void (async () => {
        try {
          if (req.method !== 'POST' || req.url?.split('?')[0] !== INBOX_PATH) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no such route', path: '' } }));
            return;
          }
          const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
          if (type !== 'application/jose') {
            res.writeHead(415, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/jose', path: '' },
              }),
            );
            return;
          }
          const body = await readBody(req);
          const cert = peerCertificate(req.socket as TLSSocket);
          const fingerprints = new Map<string, string[]>();
          for (const p of await exchange.loadPartners()) fingerprints.set(p.party, [p.caFingerprint]);
          const peer = peerParty(cert, (party) => fingerprints.get(party));
          const answer = await exchange.receive(body.trim(), peer);
          res.writeHead(answer.status, { 'content-type': answer.contentType });
          res.end(answer.body);
        } catch (e) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'INTERNAL', message: (e as Error).message, path: '' } }));
        }
      })();
    },
  );
  // New partners' CAs are trusted without a restart.
  const refresh = setInterval(() => {
    void exchange.loadPartners().then((list) => {
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
        server.closeAllConnections();
      }),
  };
}

const agents = new Map<string, HttpsAgent>();

/** POSTs a compact JWE to a partner's inbox over mutual TLS; resolves with the status and the body. */
export function postToPartner(
  exchange: Exchange,
  partner: Partner,
  jwe: string,
  timeoutMs = 30_000,
): Promise<{ status: number; contentType: string; body: string }> {
  const key = `${exchange.party}>${partner.party}|${partner.url}|${partner.caFingerprint}`;
  let agent = agents.get(key);
  if (!agent) {
    const { tls } = exchange.identity;
    agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: 4,
      key: tls.keyPem,
      cert: tls.certPem,
      ca: partner.identity.tlsCa,
    });
    agents.set(key, agent);
  }
  const url = new URL(INBOX_PATH, `${partner.url}/`);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/jose', 'content-length': Buffer.byteLength(jwe) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(jwe);
  });
}

/** Drops the keep-alive agents (tests, shutdown). */
export function closeAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}
