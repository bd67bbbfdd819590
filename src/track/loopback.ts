/**
 * Three relto nodes on loopback with their track services, TAK-style TLS clients and a sensor connection:
 * what the track tests and the network bench (src/track/network.bench.ts) run against.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { freePort } from '../test-support/ports.js';

export { freePort };

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import pino from 'pino';
import type { TrackBus } from '../bus/index.js';
import { type CertificateAuthority, createDemoCa, issueCertificate } from '../identity/index.js';
import { createNode, openNode, type ReltoNode } from '../node/index.js';
import { StandingConsents } from './access.js';
import { CotFramer } from './framer.js';
import { startTrackServices, type TrackServices, type TrackServicesOptions } from './services.js';
import { DEFAULT_FEED, DEFAULT_FEED_LABEL } from './simulate.js';

export const PARTIES = ['KOR', 'JPN', 'USA'] as const;
export type Party = (typeof PARTIES)[number];
export const WATCH_PASSWORD = 'watch-password-long';

/** The top level of each scheme: the watch officers' clearance. */
export const TOP: Record<Party, string> = { KOR: 'I', JPN: 'KIMITSU', USA: 'TS' };

export interface ThreeNodes {
  ca: CertificateAuthority;
  nodes: Record<Party, ReltoNode>;
  /** Each node's data folder (what `relto audit verify --data` reads). */
  dataDirs: Record<Party, string>;
  services: Record<Party, TrackServices>;
  /** A TAK client certificate (CN = watch, no party: it names a user of whichever node it connects to). */
  client: { certPem: string; keyPem: string };
  /** The standing consents the US hub holds (KOR-MW-1 → JPN by KOR, JPN-MW-2 → KOR by JPN). */
  hubConsents: StandingConsents;
  /** Log lines written by the services (pino JSON), per node. */
  logs: Record<Party, Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface ThreeNodeOptions {
  /** Partner links per party (default the 2023 hub topology: KOR ↔ USA ↔ JPN). */
  topology?: Record<Party, Party[]>;
  bus?: (party: Party) => TrackBus | undefined;
  extra?: Partial<TrackServicesOptions>;
  /** The demo CA to use (default a fresh one). */
  ca?: CertificateAuthority;
  /** Level of the log lines kept in `logs` (default debug). */
  logLevel?: string;
}

export const HUB: Record<Party, Party[]> = { KOR: ['USA'], JPN: ['USA'], USA: ['KOR', 'JPN'] };

/**
 * Three real nodes (SQLite in temporary folders) with a `watch` user each, one demo CA, and their track
 * services on loopback: KOR's feed KOR-MW-1 and JPN's JPN-MW-2, the US hub holding both originators'
 * standing consents to relay to the other (R24).
 */
export async function startThreeNodes(options: ThreeNodeOptions = {}): Promise<ThreeNodes> {
  const topology = options.topology ?? HUB;
  const ca = options.ca ?? (await createDemoCa());
  const dirs: string[] = [];
  const nodes = {} as Record<Party, ReltoNode>;
  const dataDirs = {} as Record<Party, string>;
  const ports = {} as Record<Party, number>;
  const certs = {} as Record<Party, { certPem: string; keyPem: string }>;
  const logs = { KOR: [], JPN: [], USA: [] } as Record<Party, Record<string, unknown>[]>;
  for (const party of PARTIES) {
    const dataDir = mkdtempSync(join(tmpdir(), `relto-track-${party}-`));
    dirs.push(dataDir);
    dataDirs[party] = dataDir;
    await createNode({ dataDir, party });
    const node = await openNode({ dataDir });
    await node.admin.addUser({
      name: 'watch',
      password: WATCH_PASSWORD,
      clearance: TOP[party],
      roles: ['watch-officer'],
    });
    nodes[party] = node;
    ports[party] = await freePort();
    certs[party] = await issueCertificate(ca, { commonName: `relto node ${party}`, party, kind: 'both' });
  }
  const client = await issueCertificate(ca, { commonName: 'watch', kind: 'client' });
  const hub = new StandingConsents();
  const at = '2023-12-19T00:00:00Z';
  hub.grant({ feed: DEFAULT_FEED, by: 'KOR', to: 'JPN', at });
  hub.grant({ feed: 'JPN-MW-2', by: 'JPN', to: 'KOR', at });
  const services = {} as Record<Party, TrackServices>;
  for (const party of PARTIES) {
    const lines = logs[party];
    const logger = pino(
      { level: options.logLevel ?? 'debug' },
      { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    );
    const bus = options.bus?.(party);
    services[party] = await startTrackServices(nodes[party], {
      cotTls: ports[party],
      cotTcp: 0,
      tls: { ca: ca.certPem, cert: certs[party].certPem, key: certs[party].keyPem },
      partners: topology[party].map((p) => ({ party: p, host: '127.0.0.1', port: ports[p] })),
      feeds:
        party === 'KOR'
          ? { [DEFAULT_FEED]: DEFAULT_FEED_LABEL }
          : party === 'JPN'
            ? {
                'JPN-MW-2': {
                  originator: 'JPN',
                  classification: 'GOKUHI',
                  releasableTo: ['JPN', 'KOR', 'USA'],
                  topics: ['DPRK-MISSILE'],
                },
              }
            : {},
      ...(party === 'USA' ? { standingConsents: hub } : {}),
      ...(bus ? { bus } : {}),
      logger,
      reconnectMs: { min: 20, max: 200 },
      ...options.extra,
    });
  }
  // Every partner link up before a test sends anything.
  await waitFor(() => PARTIES.every((p) => [...services[p].links.values()].every((l) => l.up)), 5000);
  return {
    ca,
    nodes,
    dataDirs,
    services,
    client,
    hubConsents: hub,
    logs,
    async close() {
      for (const p of PARTIES) await services[p].close();
      for (const p of PARTIES) await nodes[p].close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` every 5 ms until true or `ms` elapse (then throws). */
export async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A TAK client on a node's mutual-TLS port: collects the events it receives, as raw bytes. */
export interface TakClient {
  socket: TLSSocket;
  events: Buffer[];
  /** Every byte received, in order. */
  raw(): Buffer;
  closed: boolean;
  send(xml: string): void;
  close(): void;
}

export function takClient(
  port: number,
  cert: { certPem: string; keyPem: string },
  ca: string,
): Promise<TakClient> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      ca,
      cert: cert.certPem,
      key: cert.keyPem,
      servername: 'localhost',
    });
    const framer = new CotFramer();
    const chunks: Buffer[] = [];
    const c: TakClient = {
      socket,
      events: [],
      raw: () => Buffer.concat(chunks),
      closed: false,
      send: (xml) => socket.write(xml),
      close: () => socket.destroy(),
    };
    socket.on('data', (b: Buffer) => {
      chunks.push(b);
      for (const f of framer.push(b)) if (f.ok) c.events.push(Buffer.from(f.bytes));
    });
    socket.on('close', () => {
      c.closed = true;
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => resolve(c));
  });
}

/** A local sensor on a node's plain TCP input. */
export function sensor(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Waits until the node has registered its TAK clients (the person lookup is asynchronous). */
export async function settle(ms = 50): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
