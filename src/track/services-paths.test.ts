import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsTrackBus } from '../bus/index.js';
import { certificateFingerprint, createDemoCa, issueCertificate } from '../identity/index.js';
import { dataDir } from '../registry/index.js';
import { parseCot, serialiseCot } from './cot.js';
import { formatInstant } from './instant.js';
import { startTrackServices, type TrackServices } from './services.js';
import { DEFAULT_FEED, DEFAULT_FEED_LABEL, flightUpdates, parseLaunchCsv } from './simulate.js';
import {
  sensor,
  startThreeNodes,
  type TakClient,
  type ThreeNodes,
  takClient,
  waitFor,
} from './test-support/three-nodes.js';
import type { Track } from './track.js';

const rows = parseLaunchCsv(readFileSync(`${dataDir}dprk-launches.csv`, 'utf8'));
const row = rows.find((r) => r.date === '2017-02-12')!;

function flight(suffix: string, count: number): Track[] {
  const out: Track[] = [];
  for (const u of flightUpdates(row, {
    seed: 3,
    rate: 10,
    launchTime: formatInstant(Date.now()),
    label: null,
  })) {
    out.push({ ...u.track, uid: `${u.track.uid}.${suffix}` });
    if (out.length === count) break;
  }
  return out;
}

const timesOf = (c: TakClient, uid: string) =>
  c.events
    .map((e) => parseCot(e))
    .filter((t) => t.uid === uid)
    .map((t) => t.time);

describe('R32: a track that reached a node over two paths is delivered once', () => {
  let net: ThreeNodes;
  beforeAll(async () => {
    // A direct KOR ↔ JPN link beside the hub: JPN gets KOR's tracks both directly and through the USA.
    net = await startThreeNodes({
      topology: { KOR: ['USA', 'JPN'], JPN: ['USA', 'KOR'], USA: ['KOR', 'JPN'] },
    });
  }, 30_000);
  afterAll(async () => net?.close());

  it('JPN’s clients get each KOR update once although it arrived from KOR and from the USA', async () => {
    const jpn = await takClient(net.services.JPN.cotTlsPort!, net.client, net.ca.certPem);
    await waitFor(() => net.services.JPN.clientCount === 1);
    const tracks = flight('two-paths', 20);
    const s = await sensor(net.services.KOR.cotTcpPort!);
    for (const t of tracks) s.write(serialiseCot(t));
    const uid = tracks[0].uid;
    await waitFor(() => timesOf(jpn, uid).length === 20);
    // Both paths really delivered: the second copy of each update was dropped as a duplicate.
    await waitFor(() => net.services.JPN.stats.duplicates >= 20);
    await new Promise((r) => setTimeout(r, 100));
    s.destroy();
    const got = timesOf(jpn, uid);
    expect(got).toHaveLength(20);
    expect(new Set(got).size).toBe(20);
    jpn.close();
  });
});

const natsUrl = process.env.RELTO_NATS_URL;

if (!natsUrl) {
  process.stdout.write('NOTICE: RELTO_NATS_URL is unset: the track services on NATS are not tested\n');
} else {
  describe('track services of one node in two instances sharing a NATS JetStream bus', () => {
    const run = `${process.pid}_${randomBytes(4).toString('hex')}`;
    const busOptions = {
      url: natsUrl,
      stream: `RELTO_TRACKS_TEST_${run}`,
      subject: `relto.test.${run}.tracks`,
    };
    let net: ThreeNodes;
    let second: TrackServices;
    let secondBus: NatsTrackBus;

    beforeAll(async () => {
      const firstBus = await NatsTrackBus.connect(busOptions);
      net = await startThreeNodes({ bus: (p) => (p === 'KOR' ? firstBus : undefined) });
      secondBus = await NatsTrackBus.connect(busOptions);
      const cert = await issueCertificate(net.ca, {
        commonName: 'relto node KOR 2',
        party: 'KOR',
        kind: 'both',
      });
      second = await startTrackServices(net.nodes.KOR, {
        cotTls: 0,
        cotTcp: 0,
        tls: { ca: net.ca.certPem, cert: cert.certPem, key: cert.keyPem },
        feeds: { [DEFAULT_FEED]: DEFAULT_FEED_LABEL },
        bus: secondBus,
        logger: pino({ level: 'silent' }),
      });
    }, 30_000);

    afterAll(async () => {
      await second?.close();
      await net?.close();
      await secondBus?.deleteStream().catch(() => {});
      await secondBus?.close();
    });

    it('a track taken in by one instance reaches clients of both, and one sent to both instances is delivered once', async () => {
      const a = await takClient(net.services.KOR.cotTlsPort!, net.client, net.ca.certPem);
      const b = await takClient(second.cotTlsPort!, net.client, net.ca.certPem);
      const usa = await takClient(net.services.USA.cotTlsPort!, net.client, net.ca.certPem);
      await waitFor(() => net.services.KOR.clientCount === 1 && second.clientCount === 1);
      await waitFor(() => net.services.USA.clientCount === 1);

      const tracks = flight('nats', 10);
      const s1 = await sensor(net.services.KOR.cotTcpPort!);
      const s2 = await sensor(second.cotTcpPort!);
      // The first five through instance one only; the last five through both (two sensors, one picture).
      for (const [i, t] of tracks.entries()) {
        s1.write(serialiseCot(t));
        if (i >= 5) s2.write(serialiseCot(t));
      }
      const uid = tracks[0].uid;
      await waitFor(() => [a, b, usa].every((c) => timesOf(c, uid).length === 10), 5000);
      await new Promise((r) => setTimeout(r, 200));
      for (const c of [a, b, usa]) {
        const got = timesOf(c, uid);
        expect(got).toHaveLength(10);
        expect(new Set(got).size).toBe(10);
      }
      expect(second.stats.published).toBe(5);
      s1.destroy();
      s2.destroy();
      for (const c of [a, b, usa]) c.close();
    });
  });
}

describe('CA pins on the CoT TLS port', () => {
  it('refuses certificates naming no user, a party that is no partner, a partner’s person, or a person from a partner’s CA (pinned)', async () => {
    const net = await startThreeNodes({ topology: { KOR: [], JPN: [], USA: [] } });
    const other = await createDemoCa({ commonName: 'relto JPN CA', party: 'JPN' });
    const server = await issueCertificate(net.ca, {
      commonName: 'relto node KOR',
      party: 'KOR',
      kind: 'both',
    });
    const pinned = await startTrackServices(net.nodes.KOR, {
      cotTls: 0,
      partners: [{ party: 'JPN', host: '127.0.0.1', port: 1 }],
      reconnectMs: { min: 1000, max: 1000 },
      tls: { ca: [net.ca.certPem, other.certPem], cert: server.certPem, key: server.keyPem },
      trust: { people: [certificateFingerprint(net.ca.certPem)] },
      logger: pino({ level: 'silent' }),
    });
    try {
      // Both CAs are accepted by TLS: the pin is what tells them apart.
      const forged = await issueCertificate(other, { commonName: 'watch', kind: 'client' });
      const intruder = await takClient(pinned.cotTlsPort!, forged, net.ca.certPem);
      await waitFor(() => intruder.closed);
      // A certificate of the right CA naming no user of this node, or a party that is not a partner.
      const nobody = await issueCertificate(net.ca, { commonName: 'nobody', kind: 'client' });
      const stranger = await issueCertificate(net.ca, {
        commonName: 'relto node GBR',
        party: 'GBR',
        kind: 'both',
      });
      // A TAK client certificate naming a partner party (O=JPN) is not JPN's node.
      const partnerPerson = await issueCertificate(net.ca, {
        commonName: 'watch',
        party: 'JPN',
        kind: 'client',
      });
      for (const c of [nobody, stranger, partnerPerson]) {
        const refused = await takClient(pinned.cotTlsPort!, c, net.ca.certPem);
        await waitFor(() => refused.closed);
      }
      const genuine = await takClient(pinned.cotTlsPort!, net.client, net.ca.certPem);
      await waitFor(() => pinned.clientCount === 1);
      expect(genuine.closed).toBe(false);
      genuine.close();
    } finally {
      await pinned.close();
      await net.close();
    }
  }, 30_000);
});

describe('CA pins on partner links', () => {
  it('links come up when each partner’s certificate comes from its pinned CA, and never with a wrong pin', async () => {
    const ca = await createDemoCa();
    const fp = certificateFingerprint(ca.certPem);
    // Every node pins the one demo CA for every partner: the hub topology comes up (startThreeNodes waits).
    const net = await startThreeNodes({
      extra: { trust: { partners: { KOR: [fp], JPN: [fp], USA: [fp] } } },
      ca,
    });
    const server = await issueCertificate(ca, { commonName: 'relto node KOR', party: 'KOR', kind: 'both' });
    const lines: Record<string, unknown>[] = [];
    const wrong = await startTrackServices(net.nodes.KOR, {
      tls: { ca: ca.certPem, cert: server.certPem, key: server.keyPem },
      partners: [{ party: 'USA', host: '127.0.0.1', port: net.services.USA.cotTlsPort! }],
      trust: { partners: { USA: ['00'.repeat(32)] } },
      logger: pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s)) }),
      reconnectMs: { min: 20, max: 50 },
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(wrong.links.get('USA')!.up).toBe(false);
      expect(lines.some((l) => String(l.msg).includes('partner link refused'))).toBe(true);
    } finally {
      await wrong.close();
      await net.close();
    }
  }, 30_000);
});
