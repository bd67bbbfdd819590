import { createHash, type Hash } from 'node:crypto';
import type { AuditEntryInput } from '../audit/index.js';
import { sameStrippedParts, strippedParts } from './strip.js';
import type { Track } from './track.js';

/**
 * R29 for tracks: every track decision reaches the node's audit log, aggregated so the hot path stays a
 * Map lookup, a counter and (shared) hashing. One `track` entry per recipient, label, decision and period
 * (a second, flushed by an unref'd timer and on close):
 * - `release` to a partner node (actor `node:SELF`) and `read` by a TAK client or a person's stream (actor:
 *   the person), permitted: the count and the SHA-256 over the exact bytes sent to that recipient in the
 *   period, in order;
 * - the same actions denied, with the reason codes and the count of tracks withheld;
 * - `receive` denied: a track refused at the intake (`from` the sensor or a partner), with its reason;
 * - `strip` (R30): which parts of the arriving tracks were dropped, per label, with the count.
 * Labels are written as the normalised label itself (tracks carry no label id).
 */

/** How a track left (or failed to enter) the node: partner link, TAK client, person's stream, intake. */
export type TrackChannel = 'partner' | 'client' | 'stream' | 'intake';

/** Who a tally is about: the connection object (link, client, stream) or, at the intake, the source. */
export type Recipient = object | string;

export interface TrackAccountabilityOptions {
  /** The node's party: the actor of releases, refusals and strips. */
  party: string;
  /** Queues one audit entry on the node's log (AuditLog.record). */
  record: (entry: AuditEntryInput) => void;
  /** The clock (ms since the epoch). */
  now?: () => number;
  /** Called when the log refuses an entry (closed): the services go on. */
  onError?: (e: unknown) => void;
  /** Flush on a timer every second (default true; tests flush by hand). */
  timer?: boolean;
}

/**
 * Recipients whose byte streams have been identical so far this period share one running hash: a track
 * sent to ten clients is hashed once. A cohort splits (Hash.copy) when only some of its seats get a track.
 */
interface Cohort {
  hash: Hash;
  count: number;
  seats: Seat[];
  /** The track being sent to this cohort's seats now, not yet in `hash`. */
  pending: Uint8Array | null;
  /** Which sending of `pending` (unique across cohorts: the same buffer may be sent twice). */
  round: number;
  /** How many seats got `pending`. */
  hits: number;
}

/** One recipient under one label key this period. */
interface Seat {
  cohort: Cohort;
  /** The round of the last track this seat got. */
  round: number;
  channel: TrackChannel;
  who: string;
  key: string;
  connection: number;
}

interface Count {
  channel: TrackChannel;
  who: string;
  connection: number;
  count: number;
}

function cohort(hash: Hash, count: number): Cohort {
  return { hash, count, seats: [], pending: null, round: 0, hits: 0 };
}

/** Folds the pending track into the cohort's hash, splitting off the seats that got it if not all did. */
function settle(c: Cohort): void {
  const bytes = c.pending;
  if (bytes === null) return;
  if (c.hits === c.seats.length) {
    c.hash.update(bytes);
    c.count++;
  } else {
    const got = cohort(c.hash.copy().update(bytes), c.count + 1);
    const stay: Seat[] = [];
    for (const s of c.seats) {
      if (s.round === c.round) {
        s.cohort = got;
        got.seats.push(s);
      } else stay.push(s);
    }
    c.seats = stay;
  }
  c.pending = null;
  c.hits = 0;
}

function inner<K, L, T>(tally: Map<K, Map<L, T>>, at: K): Map<L, T> {
  let m = tally.get(at);
  if (m === undefined) {
    m = new Map();
    tally.set(at, m);
  }
  return m;
}

/** Splits a fan-out key (`labelKey` NUL `receivedUnder`) into the entry's label fields. */
function labelFields(key: string): Record<string, unknown> {
  if (key === '') return {};
  const cut = key.indexOf('\u0000');
  const label = JSON.parse(cut < 0 ? key : key.slice(0, cut)) as unknown;
  const under = cut < 0 ? '' : key.slice(cut + 1);
  return under === '' ? { label } : { label, receivedUnder: under };
}

export class TrackAccountability {
  /** Seats by fan-out key, then recipient (a message's recipients share its key: one lookup each). */
  private sent = new Map<string, Map<Recipient, Seat>>();
  private lastKey: string | null = null;
  private lastSeats: Map<Recipient, Seat> | null = null;
  private denied = new Map<Recipient, Map<string, Map<string, Count>>>();
  /** Per label key, the sets of parts dropped (an empty set too: tracks with nothing to drop match it fast). */
  private strips = new Map<string, { parts: string[]; count: number }[]>();
  /** The cohort new seats join while it has hashed nothing yet. */
  private fresh: Cohort | null = null;
  private readonly connections = new WeakMap<object, number>();
  private nextConnection = 1;
  private rounds = 0;
  private since: number;
  /** Where in the wall-clock second this log's periods start. */
  private readonly phase: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly o: TrackAccountabilityOptions) {
    this.now = o.now ?? Date.now;
    this.since = this.now();
    this.phase = this.since % 1000;
    if (o.timer !== false) this.schedule();
  }

  private schedule(): void {
    // Seconds counted from this log's start, not whole wall-clock seconds: nodes sharing a machine or a
    // database would otherwise all write their entries at the same instant, and the tracks in flight then
    // wait for all of those commits at once (the latency's 99th percentile doubled).
    this.timer = setTimeout(
      () => {
        this.flush();
        if (!this.closed) this.schedule();
      },
      1000 - ((this.now() - this.phase + 1000) % 1000),
    );
    this.timer.unref();
  }

  private connectionOf(to: Recipient): number {
    if (typeof to === 'string') return 0;
    let n = this.connections.get(to);
    if (n === undefined) {
      n = this.nextConnection++;
      this.connections.set(to, n);
    }
    return n;
  }

  /** R29: `bytes` were sent to `to` (`who`: the partner party or the person) under fan-out key `key`. */
  delivered(channel: TrackChannel, to: Recipient, who: string, key: string, bytes: Uint8Array): void {
    let seats = this.lastSeats;
    if (key !== this.lastKey || seats === null) {
      seats = inner(this.sent, key);
      this.lastKey = key;
      this.lastSeats = seats;
    }
    let seat = seats.get(to);
    if (seat === undefined) {
      let c = this.fresh;
      if (c === null || c.count !== 0 || (c.pending !== null && c.pending !== bytes)) {
        c = cohort(createHash('sha256'), 0);
        this.fresh = c;
      }
      seat = { cohort: c, round: 0, channel, who, key, connection: this.connectionOf(to) };
      c.seats.push(seat);
      seats.set(to, seat);
    }
    let c = seat.cohort;
    if (c.pending !== bytes || seat.round === c.round) {
      // A new track for this cohort (or, never in practice, the same buffer twice to one seat).
      if (c.pending !== null) {
        settle(c);
        c = seat.cohort;
      }
      c.pending = bytes;
      c.round = ++this.rounds;
    }
    c.hits++;
    seat.round = c.round;
  }

  /** R29: a track under `key` was withheld from `to` (or refused at the intake from `who`) for `reason`. */
  refused(channel: TrackChannel, to: Recipient, who: string, key: string, reason: string): void {
    const byKey = inner(this.denied, to);
    let byReason = byKey.get(key);
    if (byReason === undefined) {
      byReason = new Map();
      byKey.set(key, byReason);
    }
    const c = byReason.get(reason);
    if (c !== undefined) c.count++;
    else byReason.set(reason, { channel, who, connection: this.connectionOf(to), count: 1 });
  }

  /** R29: a track (under `labelKey`, `''` when it has none) from `from` was refused at the intake. */
  refusedAtIntake(from: string, labelKey: string, reason: string): void {
    this.refused('intake', from, from, labelKey, reason);
  }

  /** R29, R30: track `t` (as it arrived) was stripped to the allow-list under label `labelKey`. */
  stripped(t: Track, labelKey: string): void {
    let list = this.strips.get(labelKey);
    if (list === undefined) {
      list = [];
      this.strips.set(labelKey, list);
    }
    for (const s of list) {
      if (sameStrippedParts(t, s.parts)) {
        s.count++;
        return;
      }
    }
    list.push({ parts: strippedParts(t), count: 1 });
  }

  /** Writes this period's entries to the audit log and starts the next period. */
  flush(): void {
    const until = this.now();
    const sent = this.sent;
    const denied = this.denied;
    const strips = this.strips;
    this.sent = new Map();
    this.lastKey = null;
    this.lastSeats = null;
    this.denied = new Map();
    this.strips = new Map();
    this.fresh = null;
    const at = new Date(this.since).toISOString();
    const end = new Date(until).toISOString();
    this.since = until;
    const actor = `node:${this.o.party}`;
    const entries: AuditEntryInput[] = [];
    const seats: Seat[] = [];
    for (const m of sent.values()) for (const s of m.values()) seats.push(s);
    // Every cohort settled before any is digested: a split copies its hash.
    for (const s of seats) settle(s.cohort);
    const digests = new Map<Cohort, string>();
    const about = (channel: TrackChannel, who: string, connection: number) =>
      channel === 'partner'
        ? { actor, action: 'release', to: { to: who, via: channel } }
        : channel === 'intake'
          ? { actor, action: 'receive', to: { from: who, via: channel } }
          : { actor: who, action: 'read', to: { to: who, via: channel, connection } };
    for (const s of seats) {
      let sha256 = digests.get(s.cohort);
      if (sha256 === undefined) {
        sha256 = s.cohort.hash.digest('hex');
        digests.set(s.cohort, sha256);
      }
      const a = about(s.channel, s.who, s.connection);
      entries.push({
        kind: 'track',
        at,
        actor: a.actor,
        action: a.action,
        decision: 'permit',
        details: { ...a.to, ...labelFields(s.key), count: s.cohort.count, sha256, until: end },
      });
    }
    for (const byKey of denied.values()) {
      for (const [key, byReason] of byKey) {
        for (const [reason, c] of byReason) {
          const a = about(c.channel, c.who, c.connection);
          entries.push({
            kind: 'track',
            at,
            actor: a.actor,
            action: a.action,
            decision: 'deny',
            reasons: reason.split(' '),
            details: { ...a.to, ...labelFields(key), count: c.count, until: end },
          });
        }
      }
    }
    for (const [key, list] of strips) {
      for (const { parts, count } of list) {
        if (parts.length === 0) continue; // nothing was dropped
        entries.push({
          kind: 'track',
          at,
          actor,
          action: 'strip',
          details: { ...labelFields(key), fields: parts, count, until: end },
        });
      }
    }
    try {
      for (const e of entries) this.o.record(e);
    } catch (e) {
      this.o.onError?.(e);
    }
  }

  /** Flushes what is left and stops the timer (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }
}
