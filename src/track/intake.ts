import type { TrackMessage } from '../bus/index.js';
import type { Label } from '../label/index.js';
import { labelKey } from '../label/index.js';
import type { Principal } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { mayClientReceive, releaseUnder } from './access.js';
import type { TrackAccountability } from './accountability.js';
import { cotRefusalReason, isPing, pongFor, serialiseCot, tryParseCot } from './cot.js';
import { eventKey, flowOf, receivedFrom } from './flow.js';
import { CotFramer } from './framer.js';
import { parseInstant } from './instant.js';
import { type FeedDefaults, trackFeed, trackLabel } from './label.js';
import { outboundTrack } from './outbound.js';
import { PublishedTrack, type TrackLogger, type TrackStats } from './stage.js';
import type { Track } from './track.js';

export interface IntakeOptions {
  /** This node's party. */
  self: string;
  registry: CompiledRegistry;
  /** The principal the node acts as (nodePrincipal): it checks it may hold a partner's track. */
  nodeActor: Principal;
  /** Default label per sensor feed (contracts §7). */
  feeds: FeedDefaults;
  /** The feed of sensor events that name none. */
  sensorFeed?: string;
  now: () => number;
  log: TrackLogger;
  stats: TrackStats;
  /** Largest CoT event accepted (default the parser's). */
  maxEventBytes?: number;
  /** R29: where refusals and strips are tallied for the audit log. */
  account: TrackAccountability;
  /** Puts one track on the node's bus; false when the bus dropped it as a duplicate (R32). */
  publish(message: TrackMessage): boolean;
}

/** Where a connection's events come from: `sensor`, a partner party, or null for a TAK client. */
export type Source = () => string | null;

// A feed's default label is one object for all its tracks: its key is computed once.
const LABEL_KEYS = new WeakMap<Label, string>();
function keyOf(label: Label): string {
  let k = LABEL_KEYS.get(label);
  if (k === undefined) {
    k = labelKey(label);
    LABEL_KEYS.set(label, k);
  }
  return k;
}

/**
 * The intake of the track path: frames a connection's bytes, parses each event (refused with a logged
 * reason when malformed, without `<point>`, with bad times or oversize), labels it from the event or its
 * feed's default (R31), strips it to the allow-list (R30), serialises it once and publishes it on the bus
 * with its parsed form, so that nothing downstream in this process parses or labels it again.
 */
export class Intake {
  private readonly maxBytes: number | undefined;

  constructor(private readonly o: IntakeOptions) {
    this.maxBytes = o.maxEventBytes;
  }

  /** Frames and parses a stream's bytes; pings are answered on `reply` (to the sender only). */
  reader(from: Source, reply: ((b: string) => void) | null): (chunk: Buffer) => void {
    const { stats, log, now } = this.o;
    const maxBytes = this.maxBytes;
    const framer = new CotFramer(maxBytes !== undefined ? { maxBytes } : {});
    const refused = (reason: string) => this.o.account.refusedAtIntake(from() ?? 'client', '', reason); // R29
    return (chunk: Buffer) => {
      for (const f of framer.push(chunk)) {
        stats.received++;
        if (!f.ok) {
          stats.refused++;
          refused(f.reason);
          log.warn({ from: from(), reason: f.reason }, f.message);
          continue;
        }
        let r: ReturnType<typeof tryParseCot>;
        try {
          r = tryParseCot(f.bytes, { now: now(), ...(maxBytes !== undefined ? { maxBytes } : {}) });
        } catch (e) {
          // Not a refusal the parser knows: still one bad event, never the end of the node.
          stats.refused++;
          refused('malformed');
          log.error({ from: from(), err: (e as Error).message }, 'CoT refused (malformed): parser failure');
          continue;
        }
        if (!r.ok) {
          stats.refused++;
          refused(r.reason);
          log.warn({ from: from(), reason: r.reason }, r.message);
          continue;
        }
        if (isPing(r.track)) {
          stats.pings++;
          // TAK: the pong goes to the sender only, never on the bus.
          if (reply) reply(serialiseCot(pongFor(now())));
          continue;
        }
        const source = from();
        if (source === null) {
          // A TAK client's own events (position reports) are not taken in as tracks.
          log.debug({ uid: r.track.uid }, 'CoT from a client ignored');
          continue;
        }
        this.take(r.track, source);
      }
    };
  }

  /** Labels, strips and publishes one parsed event from the sensor input or a partner. */
  take(t: Track, from: string): void {
    const { self, stats, log, feeds, sensorFeed, account } = this.o;
    let label: Label;
    try {
      // R31: a partner's track must carry its label; a sensor's may take its feed's default.
      label = from === 'sensor' ? trackLabel(t, { feed: sensorFeed, defaults: feeds }) : trackLabel(t);
    } catch (e) {
      stats.refused++;
      account.refusedAtIntake(from, '', cotRefusalReason(e) ?? 'bad-label'); // R29
      log.warn({ uid: t.uid, from, reason: (e as Error).message }, 'CoT refused');
      return;
    }
    if (from === 'sensor' && label.originator !== self) {
      // A local sensor speaks for this node only: it cannot inject a track in a partner's name.
      this.refuse(t, from, label, 'bad-label', 'foreign originator at the sensor input');
      return;
    }
    if (from !== 'sensor' && (label.originator === self || flowOf(t).includes(self))) {
      // R32: our own track coming back, or one that has already passed here: a loop, dropped.
      stats.duplicates++;
      log.debug({ uid: t.uid, from }, 'CoT dropped: it has already passed this node (a track never loops)');
      return;
    }
    let receivedUnder: string | undefined;
    if (from !== 'sensor') {
      receivedUnder = releaseUnder(this.o.registry, label, from, self);
      if (!this.mayHold(label, receivedUnder)) {
        this.refuse(t, from, label, 'not-receivable', 'this node may not hold it');
        return;
      }
    }
    const feed = trackFeed(t, from === 'sensor' ? sensorFeed : undefined);
    const arrived = from === 'sensor' ? t : receivedFrom(t, from);
    // R30: stripped before it reaches the bus: nothing downstream ever sees the sensor's details.
    const out = outboundTrack(arrived, label, self, feed);
    const bytes = Buffer.from(serialiseCot(out));
    const key = keyOf(label);
    account.stripped(arrived, key); // R30, R29
    const meta: TrackMessage['meta'] = {
      uid: out.uid,
      originator: label.originator,
      key: eventKey(out, label.originator),
      labelKey: key,
      from,
    };
    if (feed !== undefined) meta.feed = feed;
    if (receivedUnder !== undefined) meta.receivedUnder = receivedUnder;
    stats.published++;
    const decoded = new PublishedTrack(out, label, feed, parseInstant(out.stale));
    if (!this.o.publish({ bytes, meta, decoded })) stats.duplicates++;
  }

  /** Counts, audits (R29) and logs one refused track whose label is known. */
  private refuse(t: Track, from: string, label: Label, reason: string, why: string): void {
    this.o.stats.refused++;
    this.o.account.refusedAtIntake(from, keyOf(label), reason); // R29
    this.o.log.warn({ uid: t.uid, from, originator: label.originator }, `CoT refused (${reason}): ${why}`);
  }

  /**
   * The sender decided the release; this node checks it may hold the track at all (not releasable to it,
   * outside the agreement's scope, no agreement): a misbehaving partner cannot push what it may not.
   */
  private mayHold(label: Label, receivedUnder: string | undefined): boolean {
    const args = { label, principal: this.o.nodeActor, at: new Date(this.o.now()).toISOString() };
    try {
      return (
        mayClientReceive(this.o.registry, receivedUnder !== undefined ? { ...args, receivedUnder } : args)
          .decision === 'permit'
      );
    } catch {
      return false;
    }
  }
}
