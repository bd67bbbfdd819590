import { createHash } from 'node:crypto';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import {
  createServer as createTlsServer,
  type PeerCertificate,
  type TLSSocket,
  type Server as TlsServer,
  connect as tlsConnect,
} from 'node:tls';
import pino, { type Logger } from 'pino';
import type { AuditEntryInput } from '../audit/index.js';
import { InProcessTrackBus, type TrackBus, type TrackMessage, type Unsubscribe } from '../bus/index.js';
import { ReltoError } from '../errors/index.js';
import type { Label } from '../label/index.js';
import { labelKey } from '../label/index.js';
import type { Person } from '../node/index.js';
import type { Answer, Principal } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import {
  mayClientReceive,
  mayPartnerReceive,
  nodePrincipal,
  releaseUnder,
  type StandingConsents,
} from './access.js';
import { TrackAccountability } from './accountability.js';
import { cotRefusalReason, isPing, pongFor, serialiseCot, tryParseCot } from './cot.js';
import { eventKey, flowOf, mayForwardTo, receivedFrom } from './flow.js';
import { CotFramer } from './framer.js';
import { parseInstant } from './instant.js';
import { type FeedDefaults, trackFeed, trackLabel } from './label.js';
import { outboundTrack } from './outbound.js';
import type { Track } from './track.js';

/** The logging the services do (pino's, or Fastify's logger, which is pino's). */
export type TrackLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** What the track services need of the node: its party, its rules and its people (R36). */
export interface TrackNode {
  readonly party: string;
  readonly registry: CompiledRegistry;
  refreshPerson(person: Person): Promise<Person | null>;
  onPersonChanged(listener: (name: string) => void): () => void;
  /** Queues an entry on the node's audit log (R29: the track decisions, aggregated per second). */
  recordAudit(entry: AuditEntryInput): void;
}

export interface PartnerEndpoint {
  /** The partner's party (must be the subject O of the certificate its node presents). */
  party: string;
  host: string;
  /** The partner node's CoT mutual-TLS port. */
  port: number;
}

export interface TrackServicesOptions {
  /** Port of the mutual-TLS streaming input/output (TAK clients and partner nodes); 0 = any free port. */
  cotTls?: number;
  /** Port of the plain TCP sensor input; 0 = any free port. */
  cotTcp?: number;
  /** Where the TLS port listens (default 127.0.0.1). */
  tlsHost?: string;
  /** Where the sensor input listens (default 127.0.0.1: local sensors only). */
  tcpHost?: string;
  /**
   * PEM: the CA(s) whose certificates are accepted (clients, partners) and the node's own certificate;
   * required with `cotTls` or `partners`.
   */
  tls?: { ca: string | string[]; cert: string; key: string };
  /**
   * CA pins (SHA-256 fingerprints of their DER, as certificateFingerprint gives): the CAs this node's own
   * people's certificates may come from, and per partner party the CAs its node's certificates may come
   * from. Without them any CA of `tls.ca` vouches for any person or party (fine with one demo CA; with
   * partners' CAs added, pin them so one partner's CA cannot mint another's node or this node's users).
   */
  trust?: { people?: string[]; partners?: Record<string, string[]> };
  /** The partner nodes this node streams to (it connects to each; they connect to it likewise). */
  partners?: PartnerEndpoint[];
  /** The node's track bus (default: a fresh in-process bus, closed with the services). */
  bus?: TrackBus;
  /** Default label per sensor feed (contracts §7). */
  feeds?: FeedDefaults | Record<string, Label>;
  /** The feed of sensor events that name none (default: the only feed of `feeds`, if there is one). */
  sensorFeed?: string;
  /** Standing consents this node holds as a relaying hub (R24). */
  standingConsents?: StandingConsents;
  logger?: TrackLogger;
  /** The clock (ms since the epoch). */
  now?: () => number;
  /** How many recent tracks each partner link keeps to resend after a reconnect (default 2,000). */
  resendBuffer?: number;
  /** Reconnect backoff to partners: first and longest wait in ms (default 100 and 5,000). */
  reconnectMs?: { min: number; max: number };
  /** A client whose unsent output exceeds this many bytes is dropped (slow consumer; default 8 MiB). */
  maxClientBacklog?: number;
  /** Largest CoT event accepted (default 64 KiB). */
  maxEventBytes?: number;
}

/** A track as a subscriber of the node receives it: parsed, labelled, stripped (R30), serialised once. */
export interface DeliveredTrack {
  track: Track;
  label: Label;
  /** The CoT bytes every recipient gets (what leaves the node). */
  bytes: Uint8Array;
  meta: TrackMessage['meta'];
}

/** A person's live view (WebSocket): tracks they may read until cut (R36). */
export interface PersonStream {
  close(): void;
}

export interface TrackServices {
  readonly party: string;
  /** The ports actually bound (useful with port 0). */
  readonly cotTlsPort?: number;
  readonly cotTcpPort?: number;
  readonly bus: TrackBus;
  /**
   * Streams to `person` every track they may read (decide(read), R31), from now on; `onCut` is called once
   * when the stream ends because the person changed or was disabled (R36) or the services closed.
   */
  streamTo(
    person: Person,
    onTrack: (t: DeliveredTrack) => void,
    onCut: (reason: string) => void,
  ): PersonStream;
  /** Counters for tests and /metrics. */
  readonly stats: TrackStats;
  /** The outbound link to each partner. */
  readonly links: ReadonlyMap<string, PartnerLink>;
  /** TAK clients connected and identified. */
  readonly clientCount: number;
  close(): Promise<void>;
}

export interface TrackStats {
  received: number;
  refused: number;
  published: number;
  duplicates: number;
  deliveredToClients: number;
  sentToPartners: number;
  pings: number;
}

interface Parsed {
  track: Track;
  label: Label;
  feed?: string;
  staleMs: number;
}

const RELTO_PARSED = new WeakMap<Uint8Array, Parsed>();

// A feed's default label is one object for all its tracks: its key is computed once.
const LABEL_KEYS = new WeakMap<Label, string>();
function keyOf(label: Label): string {
  let k = LABEL_KEYS.get(label);
  if (k === undefined) {
    k = labelKey(label);
    LABEL_KEYS.set(label, k);
  }
  return k;
}

/** The track services running for a node (set by startTrackServices, cleared by close()). */
const RUNNING = new WeakMap<object, TrackServices>();

/** The track services started for `node` in this process, if any (the WebSocket route streams from them). */
export function trackServicesOf(node: object): TrackServices | undefined {
  return RUNNING.get(node);
}

/** One connected TAK client (mutual TLS, CN = a user of this node). */
interface ClientConn {
  socket: TLSSocket;
  person: Person;
  principal: Principal;
  /** decide(read) answers per label (cleared each second and on any change of the person). */
  cache: Map<string, Verdict>;
}

/** A pending write to a partner, kept for resending after a reconnect. */
interface Sent {
  bytes: Uint8Array;
  staleMs: number;
}

/**
 * Starts a node's Cursor on Target services (contracts §7, issue 5):
 * - a plain TCP sensor input (loopback by default): events are parsed, refused with a logged reason when
 *   malformed, without `<point>`, with bad times or oversize; labelled from the event or the feed's default
 *   (R31); stripped to the allow-list (R30); put on the node's track bus;
 * - a mutual-TLS port as TAK Server's 8089: a TAK client (certificate CN = a user of this node) receives the
 *   tracks decide(read) permits to that person, and its `t-x-c-t` pings are answered to it only; a partner
 *   node (certificate O = a partner party) sends its tracks in;
 * - one outbound mutual-TLS link per partner: each track goes to each partner decide(release) permits
 *   (R24 standing consents at a hub, R31), never back to a party on its flow (R32); links reconnect with
 *   backoff and resend a bounded buffer, the receiver dropping what it already has (event key, R32).
 * A change of a person (clearance, roles, need-to-know, disabled) cuts their streams at once (R36).
 * The WebSocket route (/api/v1/tracks/stream) finds the services through trackServicesOf(node).
 *
 * @example
 * // The demo's US hub (contracts §8): the shared demo CA, links to KOR and JPN, KOR's and JPN's standing
 * // consents per feed (R24); a sensor then writes CoT to 127.0.0.1:7432 (replayLaunch does).
 * const consents = new StandingConsents();
 * consents.grant({ feed: 'KOR-MW-1', by: 'KOR', to: 'JPN', at: '2023-12-19T00:00:00Z' });
 * consents.grant({ feed: 'JPN-MW-2', by: 'JPN', to: 'KOR', at: '2023-12-19T00:00:00Z' });
 * const tracks = await startTrackServices(usaNode, {
 *   cotTls: 7431,
 *   cotTcp: 7432,
 *   tls: { ca: ca.certPem, cert: identity.tls.certPem, key: identity.tls.keyPem },
 *   partners: [{ party: 'KOR', host: '127.0.0.1', port: 7411 }, { party: 'JPN', host: '127.0.0.1', port: 7421 }],
 *   standingConsents: consents,
 * });
 * // … await tracks.close();
 */
export async function startTrackServices(
  node: TrackNode,
  options: TrackServicesOptions,
): Promise<TrackServices> {
  const self = node.party;
  const reg = node.registry;
  const now = options.now ?? Date.now;
  const log: TrackLogger =
    options.logger ??
    pino({ name: `relto-track-${self}`, level: process.env.RELTO_LOG ?? 'info' }, pino.destination(2));
  const ownBus = options.bus === undefined;
  const bus = options.bus ?? new InProcessTrackBus();
  const feeds: FeedDefaults =
    options.feeds instanceof Map
      ? options.feeds
      : new Map(Object.entries((options.feeds ?? {}) as Record<string, Label>));
  const sensorFeed = options.sensorFeed ?? (feeds.size === 1 ? [...feeds.keys()][0] : undefined);
  const partners = new Map((options.partners ?? []).map((p) => [p.party, p]));
  const maxBacklog = options.maxClientBacklog ?? 8 * 1024 * 1024;
  const maxBytes = options.maxEventBytes;
  const nodeActor = nodePrincipal(reg, self);
  const stats: TrackStats = {
    received: 0,
    refused: 0,
    published: 0,
    duplicates: 0,
    deliveredToClients: 0,
    sentToPartners: 0,
    pings: 0,
  };
  const needsTls = options.cotTls !== undefined || partners.size > 0;
  if (needsTls && !options.tls) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      'CoT over TLS and partner links need tls: {ca, cert, key}',
      '/tls',
    );
  }
  // R29: every track decision below is tallied and written to the node's audit log once a second.
  const account = new TrackAccountability({
    party: self,
    record: (e) => node.recordAudit(e),
    now,
    onError: (e) => log.error({ err: (e as Error).message }, 'track audit entries not recorded'),
  });
  const tls = options.tls ?? { ca: [], cert: '', key: '' };
  const cas = Array.isArray(tls.ca) ? tls.ca : [tls.ca];

  // ---- taking tracks in

  /** Labels, strips and publishes one parsed event from the sensor input or a partner. */
  const ingest = (t: Track, from: string): void => {
    let label: Label;
    try {
      // R31: a partner's track must carry its label; a sensor's may take its feed's default.
      label = from === 'sensor' ? trackLabel(t, { feed: sensorFeed, defaults: feeds }) : trackLabel(t);
    } catch (e) {
      stats.refused++;
      account.refusedAtIntake(from, '', cotRefusalReason(e) ?? 'bad-label');
      log.warn({ uid: t.uid, from, reason: (e as Error).message }, 'CoT refused');
      return;
    }
    if (from === 'sensor' && label.originator !== self) {
      // A local sensor speaks for this node only: it cannot inject a track in a partner's name.
      stats.refused++;
      account.refusedAtIntake(from, keyOf(label), 'bad-label');
      log.warn(
        { uid: t.uid, from, originator: label.originator },
        'CoT refused (bad-label): foreign originator at the sensor input',
      );
      return;
    }
    if (from !== 'sensor' && (label.originator === self || flowOf(t).includes(self))) {
      // R32: our own track coming back, or one that has already passed here: a loop, dropped.
      stats.duplicates++;
      log.debug({ uid: t.uid, from }, 'CoT dropped: it has already passed this node (a track never loops)');
      return;
    }
    let receivedUnder: string | undefined;
    if (from !== 'sensor') {
      receivedUnder = releaseUnder(reg, label, from, self);
      // The sender decided the release; this node checks it may hold the track at all (not releasable to
      // it, outside the agreement's scope, no agreement): a misbehaving partner cannot push what it may not.
      const args = { label, principal: nodeActor, at: new Date(now()).toISOString() };
      let permitted = false;
      try {
        permitted =
          mayClientReceive(reg, receivedUnder !== undefined ? { ...args, receivedUnder } : args).decision ===
          'permit';
      } catch {
        permitted = false;
      }
      if (!permitted) {
        stats.refused++;
        account.refusedAtIntake(from, keyOf(label), 'not-receivable');
        log.warn(
          { uid: t.uid, from, originator: label.originator },
          'CoT refused (not-receivable): this node may not hold it',
        );
        return;
      }
    }
    const feed = trackFeed(t, from === 'sensor' ? sensorFeed : undefined);
    const arrived = from === 'sensor' ? t : receivedFrom(t, from);
    // R30: stripped before it reaches the bus: nothing downstream ever sees the sensor's details.
    const out = outboundTrack(arrived, label, self, feed);
    const bytes = Buffer.from(serialiseCot(out));
    const meta: TrackMessage['meta'] = {
      uid: out.uid,
      originator: label.originator,
      key: eventKey(out, label.originator),
      labelKey: keyOf(label),
      from,
    };
    if (feed !== undefined) meta.feed = feed;
    if (receivedUnder !== undefined) meta.receivedUnder = receivedUnder;
    account.stripped(arrived, meta.labelKey!); // R30, R29
    RELTO_PARSED.set(bytes, {
      track: out,
      label,
      ...(feed !== undefined ? { feed } : {}),
      staleMs: parseInstant(out.stale),
    });
    stats.published++;
    if (bus instanceof InProcessTrackBus) {
      if (!bus.publishSync({ bytes, meta })) stats.duplicates++;
    } else {
      bus.publish({ bytes, meta }).catch((e: unknown) => log.error({ err: e }, 'track bus publish failed'));
    }
  };

  /** Frames and parses a stream's bytes; pings are answered on `reply`. */
  const reader = (from: () => string | null, reply: ((b: string) => void) | null) => {
    const framer = new CotFramer(maxBytes !== undefined ? { maxBytes } : {});
    const refused = (reason: string) => account.refusedAtIntake(from() ?? 'client', '', reason); // R29
    return (chunk: Buffer) => {
      for (const f of framer.push(chunk)) {
        stats.received++;
        if (!f.ok) {
          stats.refused++;
          refused(f.reason);
          log.warn({ from: from(), reason: f.reason }, f.message);
          continue;
        }
        let r: ReturnType<typeof tryParseCot>;
        try {
          r = tryParseCot(f.bytes, { now: now(), ...(maxBytes !== undefined ? { maxBytes } : {}) });
        } catch (e) {
          // Not a refusal the parser knows: still one bad event, never the end of the node.
          stats.refused++;
          refused('malformed');
          log.error({ from: from(), err: (e as Error).message }, 'CoT refused (malformed): parser failure');
          continue;
        }
        if (!r.ok) {
          stats.refused++;
          refused(r.reason);
          log.warn({ from: from(), reason: r.reason }, r.message);
          continue;
        }
        if (isPing(r.track)) {
          stats.pings++;
          // TAK: the pong goes to the sender only, never on the bus.
          if (reply) reply(serialiseCot(pongFor(now())));
          continue;
        }
        const source = from();
        if (source === null) {
          // A TAK client's own events (position reports) are not taken in as tracks.
          log.debug({ uid: r.track.uid }, 'CoT from a client ignored');
          continue;
        }
        ingest(r.track, source);
      }
    };
  };

  // ---- clients and people

  const clients = new Set<ClientConn>();
  const streams = new Set<{
    person: Person;
    principal: Principal;
    cache: Map<string, Verdict>;
    deliver: (t: DeliveredTrack) => void;
    cut: (reason: string) => void;
  }>();

  const mayRead = (
    conn: { principal: Principal; cache: Map<string, Verdict> },
    p: Parsed,
    meta: TrackMessage['meta'],
    at: string,
    key: string,
  ): Verdict => {
    let ok = conn.cache.get(key);
    if (ok === undefined) {
      try {
        const args = { label: p.label, principal: conn.principal, at };
        ok = verdictOf(
          mayClientReceive(
            reg,
            meta.receivedUnder !== undefined ? { ...args, receivedUnder: meta.receivedUnder } : args,
          ),
        );
      } catch {
        ok = 'MALFORMED_REQUEST'; // a malformed request is never a permit
      }
      conn.cache.set(key, ok);
    }
    return ok;
  };

  // Decisions depend on the date (agreements' lifecycle, consent expiry): cached answers live one second.
  const cacheTimer = setInterval(() => {
    for (const c of clients) c.cache.clear();
    for (const s of streams) s.cache.clear();
  }, 1000);
  cacheTimer.unref();

  // R36: any change of a person cuts their streams at once; a TAK client reconnects and is checked again.
  const unwatch = node.onPersonChanged((name) => {
    for (const c of clients) {
      if (c.person.name !== name) continue;
      clients.delete(c);
      log.info({ user: name }, 'CoT client cut: the person changed');
      c.socket.destroy();
    }
    for (const s of streams) {
      if (s.person.name !== name) continue;
      streams.delete(s);
      s.cut('the signed-in person changed (clearance, roles or access): sign in again');
    }
  });

  const principalOf = (p: Person): Principal => {
    const { name: _n, version: _v, ...principal } = p;
    return principal;
  };

  // ---- partner links (outbound)

  const links = new Map<string, PartnerLink>();

  // ---- fan-out from the bus

  const parsedOf = (m: TrackMessage): Parsed | undefined => {
    const hit = RELTO_PARSED.get(m.bytes);
    if (hit) return hit;
    // From another process (NATS): the bytes are already labelled and stripped by the publishing process.
    const r = tryParseCot(m.bytes, { now: now() });
    if (!r.ok) {
      log.error({ uid: m.meta.uid, reason: r.reason }, 'a bus message does not parse');
      return undefined;
    }
    let label: Label;
    try {
      label = trackLabel(r.track);
    } catch {
      return undefined;
    }
    const p: Parsed = { track: r.track, label, staleMs: parseInstant(r.track.stale) };
    if (m.meta.feed !== undefined) p.feed = m.meta.feed;
    RELTO_PARSED.set(m.bytes, p);
    return p;
  };

  const fanOut = (m: TrackMessage): void => {
    const p = parsedOf(m);
    if (!p) return;
    const at = new Date(now()).toISOString();
    // One key string per message: every client's cache lookup then reuses its hash.
    const key = `${m.meta.labelKey ?? labelKey(p.label)}\u0000${m.meta.receivedUnder ?? ''}`;
    for (const c of clients) {
      const v = mayRead(c, p, m.meta, at, key);
      if (v !== true) {
        account.refused('client', c, c.person.name, key, v); // R29
        continue;
      }
      if (c.socket.writableLength > maxBacklog) {
        clients.delete(c);
        log.warn({ user: c.person.name }, 'CoT client dropped: too slow');
        c.socket.destroy();
        continue;
      }
      if (!c.socket.writableCorked) {
        c.socket.cork();
        process.nextTick(() => c.socket.uncork());
      }
      c.socket.write(m.bytes);
      account.delivered('client', c, c.person.name, key, m.bytes); // R29
      stats.deliveredToClients++;
    }
    for (const s of streams) {
      const v = mayRead(s, p, m.meta, at, key);
      if (v !== true)
        account.refused('stream', s, s.person.name, key, v); // R29
      else {
        s.deliver({ track: p.track, label: p.label, bytes: m.bytes, meta: m.meta });
        account.delivered('stream', s, s.person.name, key, m.bytes); // R29
      }
    }
    for (const [party, link] of links) {
      // R32: never back to a party that carried it, nor to its originator.
      if (!mayForwardTo(p.track, p.label.originator, party)) continue;
      let permitted: Verdict = 'MALFORMED_REQUEST';
      try {
        const args = {
          label: p.label,
          holder: self,
          to: party,
          at,
          principal: nodeActor,
          ...(p.feed !== undefined ? { feed: p.feed } : {}),
          ...(m.meta.receivedUnder !== undefined ? { receivedUnder: m.meta.receivedUnder } : {}),
          ...(options.standingConsents ? { consents: options.standingConsents } : {}),
        };
        // R31, R24: release to that party only if decide() permits it (no cache: a revoked consent stops
        // the relay with the next track).
        permitted = verdictOf(mayPartnerReceive(reg, args));
      } catch (e) {
        log.warn({ uid: p.track.uid, to: party, err: (e as Error).message }, 'release request malformed');
      }
      if (permitted !== true) {
        account.refused('partner', link, party, key, permitted); // R29
        continue;
      }
      link.send({ bytes: m.bytes, staleMs: p.staleMs });
      account.delivered('partner', link, party, key, m.bytes); // R29
      stats.sentToPartners++;
    }
  };

  const unsubscribe: Unsubscribe = await bus.subscribe(fanOut);

  // ---- the TCP sensor input

  const sockets = new Set<Socket>();
  let tcpServer: TcpServer | undefined;
  let cotTcpPort: number | undefined;
  if (options.cotTcp !== undefined) {
    tcpServer = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (e) => log.debug({ err: e.message }, 'sensor connection error'));
      const read = reader(
        () => 'sensor',
        (b) => socket.write(b),
      );
      socket.on('data', read);
    });
    cotTcpPort = await listen(tcpServer, options.cotTcp, options.tcpHost ?? '127.0.0.1');
  }

  // ---- the mutual-TLS port

  let tlsServer: TlsServer | undefined;
  let cotTlsPort: number | undefined;
  if (options.cotTls !== undefined) {
    tlsServer = createTlsServer(
      {
        ca: cas,
        cert: tls.cert,
        key: tls.key,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
      },
      (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', (e) => log.debug({ err: e.message }, 'CoT TLS connection error'));
        socket.setNoDelay(true);
        void accept(socket);
      },
    );
    tlsServer.on('tlsClientError', (e) => log.info({ err: e.message }, 'CoT TLS handshake refused'));
    // A connection still in its handshake is closed with the rest, or close() would wait out the timeout.
    tlsServer.on('connection', (raw: Socket) => {
      sockets.add(raw);
      raw.on('close', () => sockets.delete(raw));
    });
    cotTlsPort = await listen(tlsServer, options.cotTls, options.tlsHost ?? '127.0.0.1');
  }

  /** Who is on the other end of a verified TLS connection: a partner node or a user of this node. */
  const accept = async (socket: TLSSocket): Promise<void> => {
    const cert = socket.getPeerCertificate(true);
    const subject = cert?.subject ?? {};
    const o = typeof subject.O === 'string' ? subject.O : undefined;
    const cn = typeof subject.CN === 'string' ? subject.CN : undefined;
    if (o !== undefined && o !== self) {
      if (!partners.has(o)) {
        log.warn({ party: o }, 'CoT TLS refused: not a partner of this node');
        socket.destroy();
        return;
      }
      // A node's certificate serves as well as connects (issueCertificate kind 'both'); a TAK client's
      // cannot, so a person's certificate naming a partner party is never taken for that partner's node.
      if (!(cert.ext_key_usage ?? []).includes(SERVER_AUTH)) {
        log.warn({ party: o, user: cn ?? null }, 'CoT TLS refused: a client certificate of another party');
        socket.destroy();
        return;
      }
      const pins = options.trust?.partners;
      if (pins && !(pins[o] ?? []).includes(issuerFingerprint(cert))) {
        log.warn({ party: o }, 'CoT TLS refused: the certificate does not come from that partner’s CA');
        socket.destroy();
        return;
      }
      socket.on(
        'data',
        reader(
          () => o,
          (b) => socket.write(b),
        ),
      );
      log.info({ party: o }, 'partner node connected');
      return;
    }
    const people = options.trust?.people;
    if (people && !people.includes(issuerFingerprint(cert))) {
      log.warn({ user: cn ?? null }, 'CoT TLS refused: a person’s certificate from another CA');
      socket.destroy();
      return;
    }
    // A TAK client: buffer its first bytes (a ping) while its person is looked up.
    const early: Buffer[] = [];
    const hold = (b: Buffer) => early.push(b);
    socket.on('data', hold);
    const person =
      cn === undefined ? null : await node.refreshPerson({ name: cn } as Person).catch(() => null);
    socket.off('data', hold);
    if (!person || socket.destroyed) {
      log.warn({ user: cn ?? null }, 'CoT TLS refused: the certificate names no user of this node');
      socket.destroy();
      return;
    }
    const conn: ClientConn = { socket, person, principal: principalOf(person), cache: new Map() };
    clients.add(conn);
    socket.on('close', () => clients.delete(conn));
    const read = reader(
      () => null,
      (b) => socket.write(b),
    );
    socket.on('data', read);
    for (const b of early) read(b);
    log.info({ user: person.name }, 'TAK client connected');
  };

  // ---- partner links

  for (const p of partners.values()) {
    const link = new PartnerLink(p, {
      ca: cas,
      cert: tls.cert,
      key: tls.key,
      log,
      now,
      capacity: options.resendBuffer ?? 2000,
      backoff: options.reconnectMs ?? { min: 100, max: 5000 },
      ...(options.trust?.partners?.[p.party] ? { pins: options.trust.partners[p.party] } : {}),
    });
    links.set(p.party, link);
    link.start();
  }

  const services: TrackServices = {
    party: self,
    ...(cotTlsPort !== undefined ? { cotTlsPort } : {}),
    ...(cotTcpPort !== undefined ? { cotTcpPort } : {}),
    bus,
    stats,
    links,
    get clientCount() {
      return clients.size;
    },
    streamTo(person, onTrack, onCut) {
      const s = {
        person,
        principal: principalOf(person),
        cache: new Map<string, Verdict>(),
        deliver: onTrack,
        cut: onCut,
      };
      streams.add(s);
      return {
        close: () => {
          streams.delete(s);
        },
      };
    },
    async close() {
      if (RUNNING.get(node) === services) RUNNING.delete(node);
      clearInterval(cacheTimer);
      unwatch();
      await unsubscribe();
      for (const l of links.values()) l.stop();
      for (const s of streams) s.cut('track services closed');
      streams.clear();
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(tcpServer), closeServer(tlsServer)]);
      account.close(); // R29: the last second's decisions, once nothing more can come in
      if (ownBus) await bus.close();
    },
  };
  RUNNING.set(node, services);
  return services;
}

/** A decision as the fan-out keeps it: `true` for a permit, else the deny's reason codes (R29). */
type Verdict = true | string;

function verdictOf(answer: Answer): Verdict {
  return answer.decision === 'permit' ? true : answer.reasons.map((r) => r.code).join(' ') || 'DENY';
}

function issuerFingerprint(cert: PeerCertificate | undefined): string {
  const raw = (cert as { issuerCertificate?: PeerCertificate } | undefined)?.issuerCertificate?.raw;
  return raw ? createHash('sha256').update(raw).digest('hex') : '';
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

/** The serverAuth extended key usage (RFC 5280). */
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** Unsent bytes a partner link holds before it resets the connection. */
const MAX_LINK_BACKLOG = 64 * 1024 * 1024;

interface LinkOptions {
  ca: string[];
  cert: string;
  key: string;
  log: TrackLogger;
  now: () => number;
  capacity: number;
  backoff: { min: number; max: number };
  /** Fingerprints of the CAs the partner's node certificate may come from (trust.partners). */
  pins?: string[];
}

/**
 * The outbound mutual-TLS link to one partner node. Keeps the last `capacity` tracks it was given; after a
 * reconnect it resends those not yet stale (TCP cannot tell what the peer read before the cut), and the
 * partner's bus drops the ones it already has by event key (R32), so a cut costs no track and adds no
 * duplicate.
 */
export class PartnerLink {
  private socket: TLSSocket | null = null;
  private connected = false;
  private stopped = false;
  private readonly ring: (Sent | undefined)[];
  private next = 0;
  private wait: number;
  private timer: NodeJS.Timeout | null = null;
  /** How many times the link (re)connected: tests watch it. */
  connects = 0;

  constructor(
    readonly partner: PartnerEndpoint,
    private readonly o: LinkOptions,
  ) {
    this.ring = new Array<Sent | undefined>(o.capacity);
    this.wait = o.backoff.min;
  }

  start(): void {
    if (this.stopped || this.socket) return;
    const s = tlsConnect({
      host: this.partner.host,
      port: this.partner.port,
      ca: this.o.ca,
      cert: this.o.cert,
      key: this.o.key,
      minVersion: 'TLSv1.2',
      // The partner's certificate names 127.0.0.1/localhost in the demo; its party is checked below.
      servername: this.partner.host === '127.0.0.1' ? 'localhost' : this.partner.host,
    });
    this.socket = s;
    s.setNoDelay(true);
    s.on('secureConnect', () => {
      const cert = s.getPeerCertificate(true);
      const o = cert?.subject?.O;
      const pins = this.o.pins;
      if (o !== this.partner.party || (pins !== undefined && !pins.includes(issuerFingerprint(cert)))) {
        this.o.log.error({ expected: this.partner.party, got: o }, 'partner link refused: wrong party');
        s.destroy();
        return;
      }
      this.connected = true;
      this.connects++;
      this.wait = this.o.backoff.min;
      this.o.log.info({ partner: this.partner.party }, 'partner link up');
      this.resend();
    });
    s.on('data', () => {
      // Pongs and nothing else come back on a link.
    });
    s.on('error', (e) =>
      this.o.log.debug({ partner: this.partner.party, err: e.message }, 'partner link error'),
    );
    s.on('close', () => {
      this.connected = false;
      this.socket = null;
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.start();
      }, this.wait);
      this.timer.unref();
      this.wait = Math.min(this.o.backoff.max, this.wait * 2);
    });
  }

  /** Queues one track; written at once when the link is up. */
  send(item: Sent): void {
    this.ring[this.next] = item;
    this.next = this.next + 1 === this.ring.length ? 0 : this.next + 1;
    if (!this.connected || !this.socket) return;
    const s = this.socket;
    if (s.writableLength > MAX_LINK_BACKLOG) {
      // The partner stopped reading: start again; the reconnect resends the ring, nothing grows unbounded.
      this.o.log.warn({ partner: this.partner.party }, 'partner link reset: the partner is not reading');
      s.destroy();
      return;
    }
    if (!s.writableCorked) {
      s.cork();
      process.nextTick(() => s.uncork());
    }
    s.write(item.bytes);
  }

  /** The link's socket, for tests that kill a connection mid-stream. */
  get currentSocket(): TLSSocket | null {
    return this.socket;
  }

  get up(): boolean {
    return this.connected;
  }

  private resend(): void {
    const s = this.socket;
    if (!s) return;
    const t = this.o.now();
    const n = this.ring.length;
    s.cork();
    for (let i = 0; i < n; i++) {
      const item = this.ring[(this.next + i) % n];
      if (item && item.staleMs > t) s.write(item.bytes);
    }
    s.uncork();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.destroy();
    this.socket = null;
  }
}
