import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TrackMessage } from '../bus/index.js';
import { compileRegistry } from '../policy/index.js';
import { dataDir, loadBuiltinRegistry } from '../registry/index.js';
import { nodePrincipal } from './access.js';
import { TrackAccountability } from './accountability.js';
import { serialiseCot } from './cot.js';
import { formatInstant } from './instant.js';
import { Intake } from './intake.js';
import { withLabel } from './label.js';
import {
  DEFAULT_FEED,
  DEFAULT_FEED_LABEL,
  DEFAULT_SENSOR,
  flightUpdates,
  parseLaunchCsv,
} from './simulate.js';
import { newTrackStats, PublishedTrack } from './stage.js';
import type { Track } from './track.js';

const registry = compileRegistry(loadBuiltinRegistry());
const row = parseLaunchCsv(readFileSync(`${dataDir}dprk-launches.csv`, 'utf8')).find(
  (r) => r.date === '2017-02-12',
)!;

/** `count` updates of a simulated flight launched now, unlabelled, with the sensor's details. */
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

/** KOR's intake alone, publishing to a list. */
function korIntake() {
  const published: TrackMessage[] = [];
  const stats = newTrackStats();
  const intake = new Intake({
    self: 'KOR',
    registry,
    nodeActor: nodePrincipal(registry, 'KOR'),
    feeds: new Map([[DEFAULT_FEED, DEFAULT_FEED_LABEL]]),
    sensorFeed: DEFAULT_FEED,
    now: Date.now,
    log: pino({ level: 'silent' }),
    stats,
    account: new TrackAccountability({ party: 'KOR', record: () => {}, timer: false }),
    publish: (m) => {
      published.push(m);
      return true;
    },
  });
  return { intake, published, stats };
}

describe('track intake (frame, parse, label, strip, publish)', () => {
  it('publishes a sensor event labelled with its feed default and stripped (R30), its parsed form beside its bytes', () => {
    const { intake, published, stats } = korIntake();
    const read = intake.reader(() => 'sensor', null);
    const events = flight(3).map(serialiseCot).join('');
    // Split mid-event: the framer joins the pieces.
    read(Buffer.from(events.slice(0, 700)));
    read(Buffer.from(events.slice(700)));
    expect(stats).toMatchObject({ received: 3, published: 3, refused: 0 });
    expect(published).toHaveLength(3);
    for (const m of published) {
      const text = new TextDecoder().decode(m.bytes);
      for (const secret of [DEFAULT_SENSOR.name, DEFAULT_SENSOR.uid, DEFAULT_SENSOR.site, 'Pre-launch']) {
        expect(text).not.toContain(secret);
      }
      // Parsed and labelled once: the subscribers of this process get that form, equal to the bytes.
      expect(m.decoded).toBeInstanceOf(PublishedTrack);
      const p = m.decoded as PublishedTrack;
      expect(serialiseCot(p.track)).toBe(text);
      expect(p.label).toEqual(DEFAULT_FEED_LABEL);
      expect(p.track.relto?.flow).toEqual(['KOR']);
      expect(m.meta).toMatchObject({ originator: 'KOR', from: 'sensor', feed: DEFAULT_FEED });
    }
  });

  it('refuses at the sensor input a track in a partner’s name, and drops a partner’s track that already passed here (R32)', () => {
    const { intake, published, stats } = korIntake();
    const [a, b] = flight(2);
    const jpn = withLabel(
      a,
      { originator: 'JPN', classification: 'GOKUHI', releasableTo: ['JPN', 'KOR'] },
      'JPN-MW-2',
    );
    intake.take(jpn, 'sensor');
    expect(stats.refused).toBe(1);
    const looped = withLabel(b, DEFAULT_FEED_LABEL, DEFAULT_FEED);
    intake.take({ ...looped, relto: { ...looped.relto, flow: ['KOR', 'USA'] } }, 'USA');
    expect(stats.duplicates).toBe(1);
    expect(published).toHaveLength(0);
  });

  it('answers a ping to its sender only, never on the bus', () => {
    const { intake, published, stats } = korIntake();
    const replies: string[] = [];
    const ping = serialiseCot({ ...flight(1)[0], type: 't-x-c-t' });
    intake.reader(
      () => null,
      (b) => replies.push(b),
    )(Buffer.from(ping));
    expect(stats.pings).toBe(1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('t-x-c-t-r');
    expect(published).toHaveLength(0);
  });
});
