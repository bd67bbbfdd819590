import { readFileSync } from 'node:fs';
import CoT from '@tak-ps/node-cot/dist/index.js';
import { type BenchContext, best, median, type Round, registerBench, timeRounds } from '../bench/harness.js';
import { InProcessTrackBus } from '../bus/index.js';
import { compileRegistry, decide, type Principal } from '../policy/index.js';
import { dataDir, loadBuiltinRegistry } from '../registry/index.js';
import {
  clientReadRequest,
  DEFAULT_FEED,
  DEFAULT_FEED_LABEL,
  flightUpdates,
  nodePrincipal,
  outboundTrack,
  parseCot,
  parseLaunchCsv,
  partnerReleaseRequest,
  serialiseCot,
  trackLabel,
} from './index.js';

/**
 * CoT on the hot path of a node: events/s read by relto's hand-written parser beside @tak-ps/node-cot (the
 * reference parser, xml-js + ajv) on the same bytes; then the whole per-event work of a sensor input —
 * parse, label (feed default), strip (R30), stamp the flow, serialise — and the same plus the two
 * decide() calls a track costs (release to one partner, read by one client). The events are the
 * simulator's, with sensor details (about 1.3 KB each), unlabelled as a sensor sends them.
 */

const EVENTS = 2_000;

function events(): Buffer[] {
  const rows = parseLaunchCsv(readFileSync(`${dataDir}dprk-launches.csv`, 'utf8'));
  const row = rows.find((r) => r.date === '2023-12-18')!;
  const out: Buffer[] = [];
  for (const u of flightUpdates(row, { seed: 2023, rate: 10, label: null })) {
    out.push(Buffer.from(u.xml));
    if (out.length === EVENTS) break;
  }
  return out;
}

/** Wall-clock rates (median and best round) and the rate per CPU-second (the machine may be shared). */
function record(ctx: BenchContext, subject: string, metric: string, count: number, rounds: Round[]): void {
  const wall = rounds.map((r) => r.wall);
  const rate = count / median(wall);
  const cpu = count / median(rounds.map((r) => r.cpu));
  ctx.record(subject, `${metric} (median round)`, rate);
  ctx.record(subject, `${metric} (best round)`, count / best(wall));
  ctx.record(subject, `${metric} per CPU-second (median round)`, cpu);
  ctx.log(
    `${subject}: ${Math.round(rate).toLocaleString('en-US')} ${metric} (${Math.round(cpu).toLocaleString('en-US')} per CPU-second)`,
  );
}

registerBench('track', (ctx) => {
  const bytes = events();
  const strings = bytes.map((b) => b.toString('utf8'));
  const now = Date.parse('2030-01-01T00:00:00Z');
  const avg = bytes.reduce((s, b) => s + b.length, 0) / bytes.length;
  ctx.record('events', 'count', bytes.length);
  ctx.record('events', 'mean size (bytes)', avg);

  // Both parsers must read the same event before either is timed.
  const probe = parseCot(bytes[0], { now });
  if (new CoT(strings[0]).raw.event._attributes.uid !== probe.uid) throw new Error('the parsers disagree');

  let sink = 0;
  const mine = timeRounds(
    () => {
      for (const b of bytes) sink += parseCot(b, { now }).point.hae;
    },
    { warmup: 5, rounds: 15 },
  );
  record(ctx, 'relto parseCot (bytes)', 'events/s parsed', bytes.length, mine);
  const fromString = timeRounds(
    () => {
      for (const s of strings) sink += parseCot(s, { now }).point.hae;
    },
    { warmup: 5, rounds: 15 },
  );
  record(ctx, 'relto parseCot (string)', 'events/s parsed', bytes.length, fromString);
  const reference = timeRounds(
    () => {
      for (const s of strings) sink += new CoT(s).raw.event.point._attributes.hae === '' ? 1 : 0;
    },
    { warmup: 1, rounds: 3 },
  );
  record(ctx, '@tak-ps/node-cot new CoT(xml)', 'events/s parsed', bytes.length, reference);

  const defaults = new Map([[DEFAULT_FEED, DEFAULT_FEED_LABEL]]);
  const pipeline = timeRounds(
    () => {
      for (const b of bytes) {
        const t = parseCot(b, { now });
        const label = trackLabel(t, { feed: DEFAULT_FEED, defaults });
        sink += serialiseCot(outboundTrack(t, label, 'KOR', DEFAULT_FEED)).length;
      }
    },
    { warmup: 5, rounds: 15 },
  );
  record(ctx, 'relto', 'events/s parse+label+strip+serialise', bytes.length, pipeline);

  const reg = compileRegistry(loadBuiltinRegistry());
  const node = nodePrincipal(reg, 'KOR');
  const watch: Principal = {
    id: 'kor-watch',
    party: 'KOR',
    clearance: 'II',
    roles: ['watch-officer'],
    official: true,
  };
  const at = '2023-12-18T23:30:00Z';
  const decided = timeRounds(
    () => {
      for (const b of bytes) {
        const t = parseCot(b, { now });
        const label = trackLabel(t, { feed: DEFAULT_FEED, defaults });
        const release = decide(
          reg,
          partnerReleaseRequest(reg, {
            label,
            holder: 'KOR',
            to: 'USA',
            at,
            principal: node,
            feed: DEFAULT_FEED,
          }),
        );
        const read = decide(reg, clientReadRequest({ label, principal: watch, at }));
        if (release.decision === 'permit' && read.decision === 'permit') {
          sink += serialiseCot(outboundTrack(t, label, 'KOR', DEFAULT_FEED)).length;
        }
      }
    },
    { warmup: 5, rounds: 15 },
  );
  record(ctx, 'relto', 'events/s parse+label+2×decide+strip+serialise', bytes.length, decided);

  // The in-process bus past its duplicate window (every publish also forgets the oldest key).
  const keys = Array.from({ length: 200_000 }, (_, i) => `KOR\u0000T${i}\u00002023-12-18T23:30:00Z`);
  const payload = bytes[0];
  const busRounds = timeRounds(
    () => {
      const bus = new InProcessTrackBus({ dedupCapacity: 100_000 });
      void bus.subscribe((m) => {
        sink += m.bytes.length;
      });
      for (const key of keys) bus.publishSync({ bytes: payload, meta: { uid: 'T', originator: 'KOR', key } });
    },
    { warmup: 2, rounds: 7 },
  );
  record(ctx, 'in-process bus (dedup window 100,000)', 'tracks/s published', keys.length, busRounds);
  if (sink === 0) ctx.log('(nothing was produced)');
});
