import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../identity/index.js';
import type { Label } from '../label/index.js';
import { dataDir } from '../registry/index.js';
import { parseCot, serialiseCot } from './cot.js';
import { formatInstant } from './instant.js';
import { withLabel } from './label.js';
import { DEFAULT_FEED, DEFAULT_SENSOR, flightUpdates, parseLaunchCsv } from './simulate.js';
import {
  PARTIES,
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

/** `count` updates of one simulated flight launched now, under `label` (sensor details attached). */
function flight(uidSuffix: string, label: Label | null, count: number, rate = 10): Track[] {
  const out: Track[] = [];
  for (const u of flightUpdates(row, {
    seed: 7,
    rate,
    launchTime: formatInstant(Date.now()),
    label,
    trackNumber: 1,
  })) {
    out.push({ ...u.track, uid: `${u.track.uid}.${uidSuffix}` });
    if (out.length === count) break;
  }
  return out;
}

const uidsOf = (c: TakClient) => c.events.map((e) => parseCot(e).uid);

// Everything the simulated sensor attaches that must never leave KOR's node (R30).
const SENSOR_SECRETS = [
  DEFAULT_SENSOR.uid,
  DEFAULT_SENSOR.name,
  DEFAULT_SENSOR.model,
  DEFAULT_SENSOR.callsign,
  DEFAULT_SENSOR.site,
  DEFAULT_SENSOR.endpoint,
  String(DEFAULT_SENSOR.lat),
  String(DEFAULT_SENSOR.lon),
  'Pre-launch',
  '<sensor',
  '<__sensor',
  '<contact',
  '<remarks',
  '<link',
  '<precisionlocation',
];

describe('track services on three nodes over loopback (mutual TLS, real TAK-style clients)', () => {
  let net: ThreeNodes;
  const clients = {} as Record<(typeof PARTIES)[number], TakClient>;

  beforeAll(async () => {
    net = await startThreeNodes();
    for (const p of PARTIES) {
      clients[p] = await takClient(net.services[p].cotTlsPort!, net.client, net.ca.certPem);
    }
    await waitFor(() => PARTIES.every((p) => net.services[p].clientCount === 1));
  }, 30_000);

  afterAll(async () => {
    for (const p of PARTIES) clients[p]?.close();
    await net?.close();
  });

  it('R31, R24: a KOR track releasable to KOR JPN USA reaches the clients of all three nodes (JPN via the US hub under TISA)', async () => {
    const tracks = flight('all', null, 5); // unlabelled: the KOR-MW-1 feed default (KOR JPN USA)
    const s = await sensor(net.services.KOR.cotTcpPort!);
    for (const t of tracks) s.write(serialiseCot(t));
    const uid = tracks[0].uid;
    await waitFor(() => PARTIES.every((p) => uidsOf(clients[p]).filter((u) => u === uid).length === 5));
    s.destroy();
    const atJpn = parseCot(clients.JPN.events.find((e) => parseCot(e).uid === uid)!);
    expect(atJpn.access).toBe('KOR:II');
    expect(atJpn.releasableTo).toEqual(['KOR', 'JPN', 'USA']);
    // R32: the flow says which nodes carried it, first the originator.
    expect(atJpn.relto?.flow).toEqual(['KOR', 'USA', 'JPN']);
  });

  it('R30: sensor identity, location and pre-launch indications never leave the originating node (byte-level at the clients)', async () => {
    const tracks = flight('strip', null, 3);
    const original = serialiseCot(tracks[0]);
    // The sensor really sent them: the check below is not vacuous.
    for (const secret of SENSOR_SECRETS) expect(original).toContain(secret);
    const s = await sensor(net.services.KOR.cotTcpPort!);
    for (const t of tracks) s.write(serialiseCot(t));
    const uid = tracks[0].uid;
    await waitFor(() => PARTIES.every((p) => uidsOf(clients[p]).filter((u) => u === uid).length === 3));
    s.destroy();
    for (const p of PARTIES) {
      const bytes = clients[p].raw().toString('utf8');
      for (const secret of SENSOR_SECRETS) expect(bytes, `${p} client got ${secret}`).not.toContain(secret);
      for (const e of clients[p].events) {
        const t = parseCot(e);
        if (t.uid !== uid) continue;
        // Only the allow-listed parts remain; what is kept is what the sensor measured.
        expect(t.details ?? []).toEqual([]);
        const sent = tracks.find((x) => x.time === t.time)!;
        expect(t.point).toEqual(sent.point);
        expect(t.motion).toEqual(sent.motion);
        expect(t.launch).toEqual(sent.launch);
        expect(t.impact).toEqual(sent.impact);
        const detailNames = [...e.toString('utf8').matchAll(/<detail>(.*)<\/detail>/g)][0][1].match(
          /<([\w_]+)/g,
        );
        expect(new Set(detailNames)).toEqual(new Set(['<track', '<__launch', '<__impact', '<__relto']));
      }
    }
  });

  it('R31: a track releasable to KOR USA reaches KOR and USA clients and never Japan’s node or its clients', async () => {
    const korUsa: Label = {
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['KOR', 'USA'],
      topics: ['DPRK-MISSILE'],
    };
    const secret = flight('korusa', null, 3).map((t) => withLabel(t, korUsa, DEFAULT_FEED));
    const marker = flight('marker', null, 1);
    const s = await sensor(net.services.KOR.cotTcpPort!);
    const jpnPublishedBefore = net.services.JPN.stats.published;
    for (const t of [...secret, ...marker]) s.write(serialiseCot(t));
    // The marker follows on the same links: once JPN has it, anything sent before it would have arrived.
    await waitFor(() => uidsOf(clients.JPN).includes(marker[0].uid));
    await waitFor(() => uidsOf(clients.USA).filter((u) => u === secret[0].uid).length === 3);
    s.destroy();
    expect(uidsOf(clients.KOR).filter((u) => u === secret[0].uid)).toHaveLength(3);
    expect(uidsOf(clients.JPN)).not.toContain(secret[0].uid);
    // Japan's node took in only the marker: the hub never sent the KOR-USA track on.
    expect(net.services.JPN.stats.published - jpnPublishedBefore).toBe(1);
  });

  it('R24: the hub relays a JPN track (feed JPN-MW-2, its default label) to Korea under JPN’s standing consent', async () => {
    const jpnTracks = flight('jpn', null, 2).map((t) => ({
      ...t,
      uid: t.uid.replace('KOR-MW-1', 'JPN-MW-2'),
      relto: { feed: 'JPN-MW-2' },
    }));
    const s = await sensor(net.services.JPN.cotTcpPort!);
    for (const t of jpnTracks) s.write(serialiseCot(t));
    const uid = jpnTracks[0].uid;
    await waitFor(() => PARTIES.every((p) => uidsOf(clients[p]).filter((u) => u === uid).length === 2));
    s.destroy();
    const atKor = parseCot(clients.KOR.events.find((e) => parseCot(e).uid === uid)!);
    expect(atKor.access).toBe('JPN:GOKUHI');
    expect(atKor.relto?.flow).toEqual(['JPN', 'USA', 'KOR']);
  });

  it('R24: revoking KOR’s standing consent at the hub stops the relay to Japan with the next track', async () => {
    const before = flight('before-revoke', null, 1);
    const after = flight('after-revoke', null, 1);
    const s = await sensor(net.services.KOR.cotTcpPort!);
    s.write(serialiseCot(before[0]));
    await waitFor(() => uidsOf(clients.JPN).includes(before[0].uid));
    expect(net.hubConsents.revoke(DEFAULT_FEED, 'JPN')).toBe(1);
    try {
      s.write(serialiseCot(after[0]));
      await waitFor(() => uidsOf(clients.USA).includes(after[0].uid));
      await new Promise((r) => setTimeout(r, 100));
      expect(uidsOf(clients.JPN)).not.toContain(after[0].uid);
    } finally {
      // Later tests rely on the relay: a fresh consent, as KOR's node would grant again.
      net.hubConsents.grant({ feed: DEFAULT_FEED, by: 'KOR', to: 'JPN', at: '2023-12-19T00:00:00Z' });
      s.destroy();
    }
  });

  it('answers a TAK client’s ping (t-x-c-t) with t-x-c-t-r to that client only', async () => {
    const other = await takClient(net.services.KOR.cotTlsPort!, net.client, net.ca.certPem);
    await waitFor(() => net.services.KOR.clientCount === 2);
    const pingXml = readFileSync(new URL('./fixtures/atak-ping.xml', import.meta.url), 'utf8');
    const before = { other: other.events.length, usa: clients.USA.events.length };
    clients.KOR.send(pingXml);
    await waitFor(() => clients.KOR.events.some((e) => parseCot(e).type === 't-x-c-t-r'));
    await new Promise((r) => setTimeout(r, 100));
    expect(other.events.slice(before.other).map((e) => parseCot(e).type)).not.toContain('t-x-c-t-r');
    expect(clients.USA.events.slice(before.usa).map((e) => parseCot(e).type)).not.toContain('t-x-c-t-r');
    other.close();
  });

  it('refuses events without <point>, with bad times or oversize, with a logged reason, and forwards none of them', async () => {
    const good = flight('refusals', null, 1)[0];
    const xml = serialiseCot(good);
    const noPoint = xml.replace(/<point [^>]*\/>/, '').replace(good.uid, `${good.uid}.nopoint`);
    const badTime = xml
      .replace(/ time="[^"]*"/, ' time="yesterday"')
      .replace(good.uid, `${good.uid}.badtime`);
    const huge = xml
      .replace('</detail>', `<remarks>${'x'.repeat(70 * 1024)}</remarks></detail>`)
      .replace(good.uid, `${good.uid}.huge`);
    const marker = flight('refusals-marker', null, 1)[0];
    const s = await sensor(net.services.KOR.cotTcpPort!);
    s.write(noPoint + badTime + huge + serialiseCot(marker));
    await waitFor(() => uidsOf(clients.JPN).includes(marker.uid));
    s.destroy();
    const reasons = net.logs.KOR.map((l) => l.reason);
    expect(reasons).toEqual(expect.arrayContaining(['no-point', 'bad-time', 'oversize']));
    for (const p of PARTIES) {
      const seen = uidsOf(clients[p]);
      expect(seen.filter((u) => u.startsWith(`${good.uid}.`))).toEqual([]);
    }
  });

  it('R31: a local sensor cannot speak for a partner: an event labelled with a foreign originator is refused', async () => {
    const forged = withLabel(
      flight('forged', null, 1)[0],
      {
        originator: 'JPN',
        classification: 'GOKUHI',
        releasableTo: ['JPN', 'KOR', 'USA'],
        topics: ['DPRK-MISSILE'],
      },
      'JPN-MW-2',
    );
    const marker = flight('forged-marker', null, 1)[0];
    const s = await sensor(net.services.KOR.cotTcpPort!);
    s.write(serialiseCot(forged) + serialiseCot(marker));
    await waitFor(() => uidsOf(clients.JPN).includes(marker.uid));
    s.destroy();
    for (const p of PARTIES) expect(uidsOf(clients[p])).not.toContain(forged.uid);
    expect(net.logs.KOR.some((l) => l.uid === forged.uid && l.originator === 'JPN')).toBe(true);
  });

  it('R31, R32: from a partner node, an unlabelled event or one not releasable to this node is refused, and one that already passed here is dropped', async () => {
    const jpnNode = await issueCertificate(net.ca, {
      commonName: 'relto node JPN',
      party: 'JPN',
      kind: 'both',
    });
    const partner = await takClient(net.services.USA.cotTlsPort!, jpnNode, net.ca.certPem);
    const [unlabelled] = flight('partner-unlabelled', null, 1).map((t) => ({
      ...t,
      relto: { feed: 'JPN-MW-2' },
    }));
    const label: Label = {
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['JPN', 'KOR', 'USA'],
      topics: ['DPRK-MISSILE'],
    };
    const [looped] = flight('partner-looped', null, 1).map((t) => ({
      ...withLabel(t, label, 'JPN-MW-2'),
      relto: { feed: 'JPN-MW-2', topics: ['DPRK-MISSILE'], flow: ['JPN', 'USA', 'KOR'] },
    }));
    const [notForUsa] = flight('partner-not-for-usa', null, 1).map((t) =>
      withLabel(t, { ...label, releasableTo: ['JPN', 'KOR'] }, 'JPN-MW-2'),
    );
    const [fine] = flight('partner-fine', null, 1).map((t) => withLabel(t, label, 'JPN-MW-2'));
    partner.send(
      serialiseCot(unlabelled) + serialiseCot(looped) + serialiseCot(notForUsa) + serialiseCot(fine),
    );
    await waitFor(() => uidsOf(clients.USA).includes(fine.uid) && uidsOf(clients.KOR).includes(fine.uid));
    partner.close();
    for (const p of PARTIES) {
      expect(uidsOf(clients[p])).not.toContain(unlabelled.uid);
      expect(uidsOf(clients[p])).not.toContain(looped.uid);
      expect(uidsOf(clients[p])).not.toContain(notForUsa.uid);
    }
    expect(
      net.logs.USA.some((l) => l.uid === unlabelled.uid && String(l.reason).includes('unlabelled')),
    ).toBe(true);
    // The track from JPN is never sent back to JPN (R32): its flow names JPN first.
    const atKor = parseCot(clients.KOR.events.find((e) => parseCot(e).uid === fine.uid)!);
    expect(atKor.relto?.flow).toEqual(['JPN', 'USA', 'KOR']);
  });

  it('R32: a partner link killed mid-stream resumes and the partner’s clients get every track exactly once', async () => {
    const tracks = flight('resume', null, 400);
    const s = await sensor(net.services.KOR.cotTcpPort!);
    const link = net.services.KOR.links.get('USA')!;
    const connectsBefore = link.connects;
    const usaDuplicatesBefore = net.services.USA.stats.duplicates;
    for (let i = 0; i < tracks.length; i++) {
      s.write(serialiseCot(tracks[i]));
      if (i === 150) {
        await new Promise((r) => setTimeout(r, 20));
        link.currentSocket!.destroy(); // the KOR → USA connection dies mid-stream
      }
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const uid = tracks[0].uid;
    const times = (c: TakClient) =>
      c.events
        .map((e) => parseCot(e))
        .filter((t) => t.uid === uid)
        .map((t) => t.time);
    await waitFor(() => times(clients.USA).length >= 400 && times(clients.JPN).length >= 400, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    s.destroy();
    expect(link.connects).toBeGreaterThan(connectsBefore);
    // The link resent what it had written before the cut, and USA dropped what it already had.
    expect(net.services.USA.stats.duplicates).toBeGreaterThan(usaDuplicatesBefore);
    for (const p of ['USA', 'JPN'] as const) {
      const got = times(clients[p]);
      expect(got).toHaveLength(400);
      expect(new Set(got).size).toBe(400);
    }
  });

  it('R36: lowering a watch officer’s clearance cuts their TAK stream at once', async () => {
    const c = await takClient(net.services.USA.cotTlsPort!, net.client, net.ca.certPem);
    await waitFor(() => net.services.USA.clientCount === 2);
    await net.nodes.USA.admin.setUser('watch', { clearance: 'C' });
    await waitFor(() => c.closed && clients.USA.closed, 1000);
    expect(net.services.USA.clientCount).toBe(0);
    // Reconnecting is checked against the lowered clearance: a SECRET-tier KOR track no longer reaches it.
    const again = await takClient(net.services.USA.cotTlsPort!, net.client, net.ca.certPem);
    await waitFor(() => net.services.USA.clientCount === 1);
    const tracks = flight('after-r36', null, 1);
    const s = await sensor(net.services.KOR.cotTcpPort!);
    s.write(serialiseCot(tracks[0]));
    await waitFor(() => uidsOf(clients.JPN).includes(tracks[0].uid));
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    expect(uidsOf(again)).not.toContain(tracks[0].uid);
    again.close();
  });
});
