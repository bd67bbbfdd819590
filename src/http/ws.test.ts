import { connect } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RULE_OR_SECTION } from '../errors/index.js';
import type { ReltoNode } from '../node/index.js';
import {
  DEFAULT_SENSOR,
  flightUpdates,
  formatInstant,
  loadLaunches,
  serialiseCot,
  startTrackServices,
  type TrackServices,
  withLabel,
} from '../track/index.js';
import { buildApp, type ReltoApp } from './index.js';
import { basic } from './test-support/fixtures.js';
import { realNode } from './test-support/nodes.js';
import type { TrackView } from './ws.js';

const launch = loadLaunches().find((r) => r.date === '2017-02-12')!;

function tracks(suffix: string, classification: string, count: number) {
  const out = [];
  for (const u of flightUpdates(launch, { seed: 5, rate: 10, launchTime: formatInstant(Date.now()) })) {
    const t = withLabel(
      u.track,
      { originator: 'KOR', classification, releasableTo: ['KOR', 'JPN', 'USA'], topics: ['DPRK-MISSILE'] },
      'KOR-MW-1',
    );
    out.push({ ...t, uid: `${t.uid}.${suffix}` });
    if (out.length === count) break;
  }
  return out;
}

interface Client {
  ws: WebSocket;
  got: TrackView[];
  raw: string[];
  closed: Promise<{ code: number; reason: string }>;
}

function open(url: string, headers: Record<string, string> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const c: Client = {
      ws,
      got: [],
      raw: [],
      closed: new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() }))),
    };
    ws.on('message', (m) => {
      c.raw.push(m.toString());
      c.got.push(JSON.parse(m.toString()) as TrackView);
    });
    ws.once('open', () => resolve(c));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WebSocket track stream (/api/v1/tracks/stream)', () => {
  let node: ReltoNode;
  let cleanup: () => Promise<void>;
  let app: ReltoApp;
  let services: TrackServices;
  let base: string;

  beforeAll(async () => {
    const made = await realNode('sqlite');
    node = made.node;
    cleanup = made.cleanup;
    services = await startTrackServices(node, { cotTcp: 0, logger: pino({ level: 'silent' }) });
    app = await buildApp(node, { tracks: services });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/tracks/stream`;
  }, 30_000);

  afterAll(async () => {
    await services?.close();
    await app?.close();
    await cleanup?.();
  });

  const send = (xml: string) =>
    new Promise<void>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: services.cotTcpPort! }, () => s.end(xml, () => resolve()));
      s.once('error', reject);
    });

  it('R31: each signed-in person gets only the tracks decide(read) permits them, stripped (R30), as JSON', async () => {
    const analyst = await open(`${base}?lang=en`, { authorization: basic('analyst') });
    const low = await node.authenticateBasic('analyst-low', 'low-password');
    const { token } = await node.issueToken(low!, 'session');
    const lowClient = await open(`${base}?token=${token}&lang=ko`);
    const secret = tracks('secret', 'II', 3);
    const conf = tracks('conf', 'III', 2);
    await send([...secret, ...conf].map(serialiseCot).join(''));
    await waitFor(() => analyst.got.length === 5 && lowClient.got.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(analyst.got.map((t) => t.uid)).toEqual([...secret, ...conf].map((t) => t.uid));
    // analyst-low (군사III급비밀 clearance) never sees the II track.
    expect(lowClient.got.map((t) => t.uid)).toEqual(conf.map((t) => t.uid));
    const first = analyst.got[0];
    expect(first.point).toEqual(secret[0].point);
    expect(first.impact).toEqual(secret[0].impact);
    expect(first.label).toMatchObject({ originator: 'KOR', classification: 'II', level: 'II' });
    expect(first.label.banner).toContain('REL');
    expect(first.sentTo).toEqual([]); // a node without partner links released it to nobody
    expect(lowClient.got[0].label.banner).not.toEqual(analyst.got[3].label.banner); // in Korean
    for (const m of [...analyst.raw, ...lowClient.raw]) {
      for (const s of [DEFAULT_SENSOR.name, DEFAULT_SENSOR.uid, DEFAULT_SENSOR.site, 'Pre-launch']) {
        expect(m).not.toContain(s);
      }
    }
    analyst.ws.close();
    lowClient.ws.close();
  });

  it("renders banners in the reader's nation's language by default, and refuses an unknown ?lang= (400)", async () => {
    const analyst = await open(base, { authorization: basic('analyst') });
    await send(tracks('lang', 'III', 1).map(serialiseCot).join(''));
    await waitFor(() => analyst.got.length === 1);
    expect(analyst.got[0].label.banner).toContain('제공 가능'); // a KOR reader: Korean
    analyst.ws.close();
    await expect(open(`${base}?lang=fr`, { authorization: basic('analyst') })).rejects.toThrow('HTTP 400');
  });

  it('refuses a stream without valid credentials (401)', async () => {
    await expect(open(base)).rejects.toThrow('HTTP 401');
    await expect(open(base, { authorization: 'Basic YW5hbHlzdDpub3Bl' })).rejects.toThrow('HTTP 401');
  });

  it('R36: lowering the person’s clearance closes their stream at once (1008)', async () => {
    const analyst = await open(base, { authorization: basic('analyst') });
    await node.admin.setUser('analyst', { clearance: 'III' });
    const closed = await Promise.race([
      analyst.closed,
      new Promise<null>((r) => setTimeout(() => r(null), 1000)),
    ]);
    expect(closed?.code).toBe(1008);
    // the reason says what happened, in words, not by rule number
    expect(closed?.reason).toMatch(/person changed/);
    expect(closed?.reason).not.toMatch(RULE_OR_SECTION);
  });
});
