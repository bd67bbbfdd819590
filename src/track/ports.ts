import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from 'node:tls';
import type { Person } from '../node/index.js';
import type { Source } from './intake.js';
import { issuerFingerprint, SERVER_AUTH } from './partner-link.js';
import type { TrackLogger } from './stage.js';

export interface PortsOptions {
  /** This node's party. */
  self: string;
  /** Port of the mutual-TLS input/output (TAK clients and partner nodes); 0 = any free port. */
  cotTls?: number;
  /** Port of the plain TCP sensor input; 0 = any free port. */
  cotTcp?: number;
  /** Where the TLS port listens (default 127.0.0.1). */
  tlsHost?: string;
  /** Where the sensor input listens (default 127.0.0.1: local sensors only). */
  tcpHost?: string;
  tls: { ca: string[]; cert: string; key: string };
  /** CA pins: the CAs this node's people's certificates, and each partner's node certificates, come from. */
  trust?: { people?: string[]; partners?: Record<string, string[]> };
  /** The partner parties whose nodes may connect. */
  partners: ReadonlySet<string>;
  log: TrackLogger;
  /** The intake's reader for one connection (events from `from`, pings answered on `reply`). */
  reader(from: Source, reply: (b: string) => void): (chunk: Buffer) => void;
  /** Who a TAK client's certificate names (a user of this node), or null. */
  refreshPerson(person: Person): Promise<Person | null>;
  /** Hands an identified TAK client to fan-out; the returned function forgets it. */
  addClient(socket: TLSSocket, person: Person): () => void;
}

export interface TrackPorts {
  /** The ports actually bound (useful with port 0). */
  readonly cotTlsPort?: number;
  readonly cotTcpPort?: number;
  close(): Promise<void>;
}

/**
 * The listeners of the track path: a plain TCP sensor input (loopback by default) and a mutual-TLS port as
 * TAK Server's 8089, where a TAK client (certificate CN = a user of this node) connects to receive tracks
 * and a partner node (certificate O = a partner party, serverAuth) sends its tracks in.
 */
export async function openPorts(o: PortsOptions): Promise<TrackPorts> {
  const { log } = o;
  const sockets = new Set<Socket>();
  let tcpServer: TcpServer | undefined;
  let cotTcpPort: number | undefined;
  if (o.cotTcp !== undefined) {
    tcpServer = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (e) => log.debug({ err: e.message }, 'sensor connection error'));
      socket.on(
        'data',
        o.reader(
          () => 'sensor',
          (b) => socket.write(b),
        ),
      );
    });
    cotTcpPort = await listen(tcpServer, o.cotTcp, o.tcpHost ?? '127.0.0.1');
  }

  let tlsServer: TlsServer | undefined;
  let cotTlsPort: number | undefined;
  if (o.cotTls !== undefined) {
    tlsServer = createTlsServer(
      {
        ca: o.tls.ca,
        cert: o.tls.cert,
        key: o.tls.key,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
      },
      (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', (e) => log.debug({ err: e.message }, 'CoT TLS connection error'));
        socket.setNoDelay(true);
        void accept(o, socket);
      },
    );
    tlsServer.on('tlsClientError', (e) => log.info({ err: e.message }, 'CoT TLS handshake refused'));
    // A connection still in its handshake is closed with the rest, or close() would wait out the timeout.
    tlsServer.on('connection', (raw: Socket) => {
      sockets.add(raw);
      raw.on('close', () => sockets.delete(raw));
    });
    cotTlsPort = await listen(tlsServer, o.cotTls, o.tlsHost ?? '127.0.0.1');
  }

  return {
    ...(cotTlsPort !== undefined ? { cotTlsPort } : {}),
    ...(cotTcpPort !== undefined ? { cotTcpPort } : {}),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(tcpServer), closeServer(tlsServer)]);
    },
  };
}

/** Who is on the other end of a verified TLS connection: a partner node or a user of this node. */
async function accept(o: PortsOptions, socket: TLSSocket): Promise<void> {
  const { log } = o;
  const cert = socket.getPeerCertificate(true);
  const subject = cert?.subject ?? {};
  const party = typeof subject.O === 'string' ? subject.O : undefined;
  const cn = typeof subject.CN === 'string' ? subject.CN : undefined;
  if (party !== undefined && party !== o.self) {
    if (!o.partners.has(party)) {
      log.warn({ party }, 'CoT TLS refused: not a partner of this node');
      socket.destroy();
      return;
    }
    // A node's certificate serves as well as connects (issueCertificate kind 'both'); a TAK client's
    // cannot, so a person's certificate naming a partner party is never taken for that partner's node.
    if (!(cert.ext_key_usage ?? []).includes(SERVER_AUTH)) {
      log.warn({ party, user: cn ?? null }, 'CoT TLS refused: a client certificate of another party');
      socket.destroy();
      return;
    }
    const pins = o.trust?.partners;
    if (pins && !(pins[party] ?? []).includes(issuerFingerprint(cert))) {
      log.warn({ party }, 'CoT TLS refused: the certificate does not come from that partner’s CA');
      socket.destroy();
      return;
    }
    socket.on(
      'data',
      o.reader(
        () => party,
        (b) => socket.write(b),
      ),
    );
    log.info({ party }, 'partner node connected');
    return;
  }
  const people = o.trust?.people;
  if (people && !people.includes(issuerFingerprint(cert))) {
    log.warn({ user: cn ?? null }, 'CoT TLS refused: a person’s certificate from another CA');
    socket.destroy();
    return;
  }
  // A TAK client: buffer its first bytes (a ping) while its person is looked up.
  const early: Buffer[] = [];
  const hold = (b: Buffer) => early.push(b);
  socket.on('data', hold);
  const person = cn === undefined ? null : await o.refreshPerson({ name: cn } as Person).catch(() => null);
  socket.off('data', hold);
  if (!person || socket.destroyed) {
    log.warn({ user: cn ?? null }, 'CoT TLS refused: the certificate names no user of this node');
    socket.destroy();
    return;
  }
  const forget = o.addClient(socket, person);
  socket.on('close', forget);
  const read = o.reader(
    () => null,
    (b) => socket.write(b),
  );
  socket.on('data', read);
  for (const b of early) read(b);
  log.info({ user: person.name }, 'TAK client connected');
}

function listen(server: TcpServer | TlsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

function closeServer(server: TcpServer | TlsServer | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}
