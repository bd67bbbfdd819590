import pino from 'pino';
import { InProcessTrackBus, type TrackBus, type TrackMessage } from '../bus/index.js';
import { ReltoError } from '../errors/index.js';
import type { Label } from '../label/index.js';
import type { Person } from '../node/index.js';
import { nodePrincipal, type StandingConsents } from './access.js';
import { TrackAccountability } from './accountability.js';
import { FanOut, type PersonStream } from './fan-out.js';
import { Intake } from './intake.js';
import type { FeedDefaults } from './label.js';
import { type PartnerEndpoint, PartnerLink } from './partner-link.js';
import { openPorts } from './ports.js';
import {
  type DeliveredTrack,
  newTrackStats,
  type TrackLogger,
  type TrackNode,
  type TrackStats,
} from './stage.js';

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
 * Built of four stages, each its own file: intake.ts, fan-out.ts, ports.ts and partner-link.ts. The
 * WebSocket route (/api/v1/tracks/stream) streams from the services buildApp is given (`tracks`).
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
  const registry = node.registry;
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
  const partners = new Map((options.partners ?? []).map((p) => [p.party, p]));
  const nodeActor = nodePrincipal(registry, self);
  const stats = newTrackStats();
  if ((options.cotTls !== undefined || partners.size > 0) && !options.tls) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      'CoT over TLS and partner links need tls: {ca, cert, key}',
      '/tls',
    );
  }
  const tls = options.tls ?? { ca: [], cert: '', key: '' };
  const ca = Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  // R29: every track decision of the intake and the fan-out is tallied and written to the node's audit log
  // once a second.
  const account = new TrackAccountability({
    party: self,
    record: (e) => node.recordAudit(e),
    now,
    onError: (e) => log.error({ err: (e as Error).message }, 'track audit entries not recorded'),
  });

  const publish =
    bus instanceof InProcessTrackBus
      ? (m: TrackMessage) => bus.publishSync(m)
      : (m: TrackMessage) => {
          bus.publish(m).catch((e: unknown) => log.error({ err: e }, 'track bus publish failed'));
          return true;
        };
  const sensorFeed = options.sensorFeed ?? (feeds.size === 1 ? [...feeds.keys()][0] : undefined);
  const intake = new Intake({
    self,
    registry,
    nodeActor,
    feeds,
    ...(sensorFeed !== undefined ? { sensorFeed } : {}),
    now,
    log,
    stats,
    ...(options.maxEventBytes !== undefined ? { maxEventBytes: options.maxEventBytes } : {}),
    account,
    publish,
  });
  const fanOut = new FanOut({
    self,
    registry,
    nodeActor,
    ...(options.standingConsents ? { standingConsents: options.standingConsents } : {}),
    now,
    log,
    stats,
    maxClientBacklog: options.maxClientBacklog ?? 8 * 1024 * 1024,
    account,
  });
  const unwatch = node.onPersonChanged((name) => fanOut.personChanged(name));
  const unsubscribe = await bus.subscribe(fanOut.deliver);

  const ports = await openPorts({
    self,
    ...(options.cotTls !== undefined ? { cotTls: options.cotTls } : {}),
    ...(options.cotTcp !== undefined ? { cotTcp: options.cotTcp } : {}),
    ...(options.tlsHost !== undefined ? { tlsHost: options.tlsHost } : {}),
    ...(options.tcpHost !== undefined ? { tcpHost: options.tcpHost } : {}),
    tls: { ca, cert: tls.cert, key: tls.key },
    ...(options.trust ? { trust: options.trust } : {}),
    partners: new Set(partners.keys()),
    log,
    reader: (from, reply) => intake.reader(from, reply),
    refreshPerson: (p) => node.refreshPerson(p),
    addClient: (socket, person) => fanOut.addClient(socket, person),
  });

  const links = new Map<string, PartnerLink>();
  for (const p of partners.values()) {
    const pins = options.trust?.partners?.[p.party];
    const link = new PartnerLink(p, {
      ca,
      cert: tls.cert,
      key: tls.key,
      log,
      now,
      capacity: options.resendBuffer ?? 2000,
      backoff: options.reconnectMs ?? { min: 100, max: 5000 },
      ...(pins ? { pins } : {}),
    });
    links.set(p.party, link);
    fanOut.addLink(p.party, link);
    link.start();
  }

  return {
    party: self,
    ...(ports.cotTlsPort !== undefined ? { cotTlsPort: ports.cotTlsPort } : {}),
    ...(ports.cotTcpPort !== undefined ? { cotTcpPort: ports.cotTcpPort } : {}),
    bus,
    stats,
    links,
    get clientCount() {
      return fanOut.clientCount;
    },
    streamTo: (person, onTrack, onCut) => fanOut.streamTo(person, onTrack, onCut),
    async close() {
      unwatch();
      await unsubscribe();
      for (const l of links.values()) l.stop();
      fanOut.close();
      await ports.close();
      account.close(); // R29: the last second's decisions, once nothing more can come in
      if (ownBus) await bus.close();
    },
  };
}
