import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { ReltoError } from '../errors/index.js';
import type { Label } from '../label/index.js';
import { dataDir } from '../registry/index.js';
import { serialiseCot } from './cot.js';
import { formatInstant, parseInstant } from './instant.js';
import { flightUpdates, type LaunchRow, parseLaunchCsv, type SimulatedSensor } from './simulate.js';
import type { Track } from './track.js';

/**
 * A track of a flight replayed `speedup` times faster: its instants brought closer to `origin` by that
 * factor, so that every event is current when it is sent (a node refuses events far in the future), and
 * stale 10 s after its time, as the sensor's own events are.
 */
function retimed(t: Track, origin: number, speedup: number): Track {
  const at = (s: string) => formatInstant(Math.round(origin + (parseInstant(s) - origin) / speedup));
  const time = at(t.time);
  const out: Track = { ...t, time, start: at(t.start), stale: formatInstant(parseInstant(time) + 10_000) };
  if (t.launch?.time !== undefined) out.launch = { ...t.launch, time: at(t.launch.time) };
  if (t.impact?.time !== undefined) out.impact = { ...t.impact, time: at(t.impact.time) };
  return out;
}

/** The launches of data/dprk-launches.csv (or another file in its format). */
export function loadLaunches(file = `${dataDir}dprk-launches.csv`): LaunchRow[] {
  return parseLaunchCsv(readFileSync(file, 'utf8'));
}

/** One launch by 1-based row number or by date (the first launch that day). */
export function pickLaunch(rows: readonly LaunchRow[], which: { row?: number; date?: string }): LaunchRow {
  if (which.row !== undefined) {
    const r = rows[which.row - 1];
    if (!r)
      throw new ReltoError('INVALID_ARGUMENT', `no launch in row ${which.row} (1–${rows.length})`, '/row');
    return r;
  }
  if (which.date !== undefined) {
    const r = rows.find((x) => x.date === which.date);
    if (!r) throw new ReltoError('INVALID_ARGUMENT', `no launch on ${which.date}`, '/date');
    return r;
  }
  throw new ReltoError('INVALID_ARGUMENT', 'name a launch: --row N or --date YYYY-MM-DD', '/row');
}

export interface ReplayOptions {
  launch: LaunchRow;
  /** The node's CoT TCP sensor input. */
  to: { host: string; port: number };
  /** Updates per second of flight, 1–10 (default 1). */
  rate?: number;
  seed?: number;
  /** Flight time runs this many times faster than real time (default 1: real time). */
  speedup?: number;
  /** Launch instant (default now: the events' times are current at the node). */
  launchTime?: string;
  feed?: string;
  /** The label written on each event; null sends them unlabelled (the feed's default applies). */
  label?: Label | null;
  sensor?: SimulatedSensor;
  trackNumber?: number;
  /** Stops the replay early. */
  signal?: AbortSignal;
  /** Called after each event is written. */
  onEvent?: (offset: number, uid: string) => void;
}

export interface ReplayResult {
  uid: string;
  sent: number;
  /** Seconds of flight replayed. */
  flightSeconds: number;
}

function open(to: { host: string; port: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: to.host, port: to.port }, () => resolve(s));
    s.once('error', (e) =>
      reject(new ReltoError('INVALID_ARGUMENT', `cannot reach ${to.host}:${to.port}: ${e.message}`, '/to')),
    );
  });
}

/**
 * Replays one launch as a sensor would: the flight's CoT updates (issue 5 simulator, sensor details attached)
 * written to a node's sensor input at their flight times divided by `speedup` (their instants likewise). What `relto simulate launch`
 * and `relto demo` use.
 */
export async function replayLaunch(options: ReplayOptions): Promise<ReplayResult> {
  const speedup = options.speedup ?? 1;
  if (!(speedup > 0)) throw new ReltoError('INVALID_ARGUMENT', 'speedup must be positive', '/speedup');
  if (1000 / ((options.rate ?? 1) * speedup) < 1) {
    // Two updates in one millisecond share their event key: the node would keep the first (R32).
    throw new ReltoError(
      'INVALID_ARGUMENT',
      'rate × speedup must stay at most 1,000 updates a second',
      '/speedup',
    );
  }
  const socket = await open(options.to);
  const started = Date.now();
  let sent = 0;
  let uid = '';
  let last = 0;
  try {
    for (const u of flightUpdates(options.launch, {
      seed: options.seed ?? 1,
      rate: options.rate ?? 1,
      launchTime: options.launchTime ?? formatInstant(started),
      ...(options.feed !== undefined ? { feed: options.feed } : {}),
      ...(options.label !== undefined ? { label: options.label } : {}),
      ...(options.sensor !== undefined ? { sensor: options.sensor } : {}),
      ...(options.trackNumber !== undefined ? { trackNumber: options.trackNumber } : {}),
    })) {
      if (options.signal?.aborted) break;
      const due = started + (u.offset * 1000) / speedup;
      const wait = due - Date.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const xml = speedup === 1 ? u.xml : serialiseCot(retimed(u.track, started, speedup));
      if (!socket.write(xml)) await new Promise((r) => socket.once('drain', r));
      sent++;
      uid = u.track.uid;
      last = u.offset;
      options.onEvent?.(u.offset, uid);
    }
  } finally {
    await new Promise<void>((r) => socket.end(() => r()));
  }
  return { uid, sent, flightSeconds: last };
}
