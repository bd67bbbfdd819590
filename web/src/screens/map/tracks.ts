/**
 * The live tracks as the map keeps them, without React or the DOM: the stream's messages (TrackView of
 * `/api/v1/tracks/stream`) folded into one entry per uid with its path over the last hour, and what the map
 * shows at an instant of the replay.
 */

/** One message of the track stream (the server's TrackView). */
export interface TrackMessage {
  uid: string;
  type: string;
  time: string;
  stale: string;
  point: { lat: number; lon: number; hae: number; ce: number; le: number };
  track?: { course?: number; speed?: number; slope?: number };
  launch?: { lat: number; lon: number; hae?: number; time?: string };
  impact?: { lat: number; lon: number; hae?: number; ce?: number; time?: string };
  label: { originator: string; classification: string; banner: string; level: string | null };
  feed?: string;
  flow?: string[];
  sentTo?: string[];
}

/** One position of a track's path: ms since the epoch, degrees. */
export interface Fix {
  t: number;
  lat: number;
  lon: number;
}

export interface TrackState {
  uid: string;
  /** The latest message. */
  last: TrackMessage;
  /** Positions in time order, the last hour only. */
  path: Fix[];
  /** Every party the track was sent to so far (the node's releases, in order of first release). */
  sentTo: string[];
}

/** The replay reaches back one hour. */
export const REPLAY_MS = 60 * 60 * 1000;

export class TrackStore {
  readonly tracks = new Map<string, TrackState>();
  /** Bumped on every change: the map redraws when it moved. */
  version = 0;

  /** Folds a batch of messages in (one animation frame's worth). */
  apply(messages: readonly TrackMessage[]): void {
    for (const m of messages) {
      const t = Date.parse(m.time);
      if (Number.isNaN(t) || !Number.isFinite(m.point?.lat) || !Number.isFinite(m.point?.lon)) continue;
      let s = this.tracks.get(m.uid);
      if (!s) {
        s = { uid: m.uid, last: m, path: [], sentTo: [] };
        this.tracks.set(m.uid, s);
      }
      const fix = { t, lat: m.point.lat, lon: m.point.lon };
      const path = s.path;
      // In time order; a resent or late update finds its place (rare: a binary search is not worth it).
      let i = path.length;
      while (i > 0 && path[i - 1]!.t > t) i--;
      if (i > 0 && path[i - 1]!.t === t) path[i - 1] = fix;
      else path.splice(i, 0, fix);
      if (Date.parse(s.last.time) <= t) s.last = m;
      for (const p of m.sentTo ?? []) if (!s.sentTo.includes(p)) s.sentTo.push(p);
    }
    if (messages.length > 0) this.version++;
  }

  /** Forgets what is older than the replay window (and tracks with nothing left in it). */
  prune(now: number): void {
    const from = now - REPLAY_MS;
    for (const [uid, s] of this.tracks) {
      let cut = 0;
      while (cut < s.path.length && s.path[cut]!.t < from) cut++;
      if (cut === s.path.length) this.tracks.delete(uid);
      else if (cut > 0) s.path.splice(0, cut);
    }
  }
}

/** The replay's range: the last hour up to now (ms). */
export function replayWindow(now: number): { from: number; to: number } {
  return { from: now - REPLAY_MS, to: now };
}

/** The index of the last fix at or before `at` (-1 when the track had not appeared yet). */
export function fixAt(path: readonly Fix[], at: number): number {
  let lo = 0;
  let hi = path.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (path[mid]!.t <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The index of the fix where the map shows a track at `at` (live: now), its path being the fixes up to it;
 * -1 when it had not appeared yet, or when it is past its last fix and stale by then.
 */
export function shownAt(s: TrackState, at: number): number {
  const i = fixAt(s.path, at);
  if (i < 0) return -1;
  if (i === s.path.length - 1) {
    const stale = Date.parse(s.last.stale);
    if (!Number.isNaN(stale) && at > stale) return -1;
  }
  return i;
}
