import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TrackMessage } from '../bus/index.js';
import type { Label } from '../label/index.js';
import type { Person } from '../node/index.js';
import { compileRegistry } from '../policy/index.js';
import { dataDir, loadBuiltinRegistry } from '../registry/index.js';
import { nodePrincipal } from './access.js';
import { TrackAccountability } from './accountability.js';
import { serialiseCot } from './cot.js';
import { type ClientSocket, FanOut } from './fan-out.js';
import { eventKey } from './flow.js';
import { formatInstant, parseInstant } from './instant.js';
import { outboundTrack } from './outbound.js';
import type { Sent } from './partner-link.js';
import { DEFAULT_FEED, DEFAULT_FEED_LABEL, flightUpdates, parseLaunchCsv } from './simulate.js';
import { newTrackStats, PublishedTrack } from './stage.js';
import type { Track } from './track.js';

const registry = compileRegistry(loadBuiltinRegistry());
const row = parseLaunchCsv(readFileSync(`${dataDir}dprk-launches.csv`, 'utf8')).find(
  (r) => r.date === '2017-02-12',
)!;

function flight(count: number): Track[] {
  const out: Track[] = [];
  for (const u of flightUpdates(row, {
    seed: 7,
    rate: 10,
    launchTime: formatInstant(Date.now()),
    label: null,
  })) {
    out.push(u.track);
    if (out.length === count) break;
  }
  return out;
}

/** A track as KOR's intake publishes it; `parsed` false: as it comes from another process (bytes only). */
function message(t: Track, label: Label, parsed = true): TrackMessage {
  const out = outboundTrack(t, label, 'KOR', DEFAULT_FEED);
  const m: TrackMessage = {
    bytes: Buffer.from(serialiseCot(out)),
    meta: {
      uid: out.uid,
      originator: label.originator,
      key: eventKey(out, label.originator),
      feed: DEFAULT_FEED,
    },
  };
  if (parsed) m.decoded = new PublishedTrack(out, label, DEFAULT_FEED, parseInstant(out.stale));
  return m;
}

class FakeSocket implements ClientSocket {
  writableLength = 0;
  destroyed = false;
  readonly writes: Uint8Array[] = [];
  write(bytes: Uint8Array): boolean {
    this.writes.push(bytes);
    return true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const person = (name: string, clearance: string): Person => ({
  id: name,
  name,
  version: 1,
  party: 'KOR',
  clearance,
  roles: ['watch-officer'],
  official: true,
});

function korFanOut() {
  const stats = newTrackStats();
  const fanOut = new FanOut({
    self: 'KOR',
    registry,
    nodeActor: nodePrincipal(registry, 'KOR'),
    now: Date.now,
    log: pino({ level: 'silent' }),
    stats,
    maxClientBacklog: 1 << 20,
    account: new TrackAccountability({ party: 'KOR', record: () => {}, timer: false }),
  });
  return { fanOut, stats };
}

const tick = () => new Promise((r) => process.nextTick(r));

describe('track fan-out (per client, stream and partner)', () => {
  it('R31: writes each client the tracks its person may read, one chunk per read, shared by clients that get the same', async () => {
    const { fanOut, stats } = korFanOut();
    const [w1, w2, low] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    fanOut.addClient(w1, person('watch', 'I'));
    fanOut.addClient(w2, person('watch-2', 'I'));
    fanOut.addClient(low, person('low', 'III'));
    const [a, b, c] = flight(3);
    const secret = message(a, DEFAULT_FEED_LABEL);
    const conf = message(b, { ...DEFAULT_FEED_LABEL, classification: 'III' });
    const secret2 = message(c, DEFAULT_FEED_LABEL);
    for (const m of [secret, conf, secret2]) fanOut.deliver(m);
    await tick();
    const joined = Buffer.concat([secret.bytes, conf.bytes, secret2.bytes]);
    expect(w1.writes).toHaveLength(1);
    expect(Buffer.from(w1.writes[0]).equals(joined)).toBe(true);
    expect(w2.writes[0]).toBe(w1.writes[0]); // one buffer for both
    expect(low.writes).toEqual([conf.bytes]); // the III reader never gets the II tracks
    expect(stats.deliveredToClients).toBe(7);
    fanOut.close();
  });

  it('decodes a track from another process once, streams it, and releases to a partner only as decide(release) and R32 allow', async () => {
    const { fanOut } = korFanOut();
    const usa: Sent[] = [];
    const kor: Sent[] = [];
    fanOut.addLink('USA', { send: (s) => usa.push(s) });
    fanOut.addLink('KOR', { send: (s) => kor.push(s) }); // its originator: never
    const streamed: string[] = [];
    const sentTo: string[][] = [];
    let cut = '';
    fanOut.streamTo(
      person('watch', 'I'),
      (t) => {
        streamed.push(t.track.uid);
        sentTo.push(t.sentTo ?? []);
      },
      (reason) => {
        cut = reason;
      },
    );
    const [a, b] = flight(2);
    const fromElsewhere = message(a, DEFAULT_FEED_LABEL, false);
    const notToUsa = message(b, { ...DEFAULT_FEED_LABEL, releasableTo: ['KOR', 'JPN'] });
    fanOut.deliver(fromElsewhere);
    fanOut.deliver(notToUsa);
    expect(streamed).toEqual([a.uid, b.uid]);
    expect(usa.map((s) => s.bytes)).toEqual([fromElsewhere.bytes]);
    expect(usa[0]!.staleMs).toBe(parseInstant(a.stale));
    expect(kor).toEqual([]);
    // The stream names the parties each track was released to (the Tracks list of the map).
    expect(sentTo).toEqual([['USA'], []]);
    // R36: a change of the person cuts the stream.
    fanOut.personChanged('watch');
    expect(cut).toMatch(/changed/);
    fanOut.deliver(message(flight(3)[2], DEFAULT_FEED_LABEL));
    expect(streamed).toHaveLength(2);
    fanOut.close();
  });

  it('drops a client that does not read (slow consumer)', async () => {
    const { fanOut } = korFanOut();
    const slow = new FakeSocket();
    slow.writableLength = 2 << 20;
    fanOut.addClient(slow, person('watch', 'I'));
    fanOut.deliver(message(flight(1)[0], DEFAULT_FEED_LABEL));
    await tick();
    expect(slow.destroyed).toBe(true);
    expect(slow.writes).toEqual([]);
    expect(fanOut.clientCount).toBe(0);
    fanOut.close();
  });
});
