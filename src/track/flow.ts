import type { Track } from './track.js';

/**
 * R32: loop prevention and duplicate suppression. A track's `<__relto flow>` lists the parties whose
 * nodes carried it, first the originating node; a node adds itself before sending and never sends a track
 * to a party already on its flow (whence it came, or whose node has seen it), nor back to its originator.
 */

/** The parties whose nodes have carried the track, in order. */
export function flowOf(t: Track): readonly string[] {
  return t.relto?.flow ?? [];
}

/** The track with `party` appended to its flow (unchanged if already last). */
export function withFlowHop(t: Track, party: string): Track {
  const flow = flowOf(t);
  if (flow[flow.length - 1] === party) return t;
  return { ...t, relto: { ...t.relto, flow: [...flow, party] } };
}

/**
 * The track as received from partner `sender`: the sender is on its flow even if the sender's node left
 * itself off, so the track can never be sent back to it.
 */
export function receivedFrom(t: Track, sender: string): Track {
  return flowOf(t).includes(sender) ? t : withFlowHop(t, sender);
}

/** May this node send the track to `partner`? No when the partner carried it or originated it (R32). */
export function mayForwardTo(t: Track, originator: string, partner: string): boolean {
  return partner !== originator && !flowOf(t).includes(partner);
}

/** The identity of one event for duplicate suppression: originator, uid, time and stale. */
export function eventKey(t: Track, originator: string): string {
  return `${originator}\u0000${t.uid}\u0000${t.time}\u0000${t.stale}`;
}

/**
 * Remembers the last `capacity` events seen, so that an event that arrived over two paths (KOR → USA → JPN
 * and a direct KOR → JPN link, or a resumed connection replaying) is delivered once. Bounded memory: the
 * oldest key is forgotten first.
 */
export class TrackDeduper {
  private readonly seen = new Set<string>();
  // A ring of the keys in arrival order: deleting a Map's first entry over and over is O(n) in V8.
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity = 100_000) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.ring = new Array<string | undefined>(capacity);
  }

  /** True the first time an event is offered, false for a duplicate. */
  firstSighting(t: Track, originator: string): boolean {
    return this.firstSightingOfKey(eventKey(t, originator));
  }

  firstSightingOfKey(key: string): boolean {
    if (this.seen.has(key)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.seen.delete(old);
    this.ring[this.next] = key;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    this.seen.add(key);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
