/**
 * The track bus (a port): how the processes of one node share the tracks it takes in. A publisher puts the
 * event's bytes with their metadata; every subscriber (every process serving clients or partners) gets
 * every message published after it subscribed, in order. In-process by default; NATS JetStream when a
 * node runs as several processes.
 */

/** What travels with a track's bytes, so that a subscriber need not parse to route. */
export interface TrackMeta {
  /** The event's uid. */
  uid: string;
  /** The label's originator party. */
  originator: string;
  /** The event's identity for duplicate suppression (originator, uid, time, stale). */
  key: string;
  /** The sensor feed id. */
  feed?: string;
  /** Where this node got it: `sensor` (local input) or the partner party it came from. */
  from?: string;
  /** The agreement it was received under, when it came from a partner. */
  receivedUnder?: string;
  /** A key equal for equal labels (label/labelKey), for caching decisions per label. */
  labelKey?: string;
}

export interface TrackMessage {
  bytes: Uint8Array;
  meta: TrackMeta;
  /**
   * The publisher's own decoded form of the bytes (the track services put the parsed, labelled track here),
   * handed to subscribers in the publishing process so that none parses or labels it again. Never crosses
   * a process: a subscriber elsewhere gets the bytes alone and decodes them once.
   */
  decoded?: object;
}

export type TrackHandler = (message: TrackMessage) => void;
export type Unsubscribe = () => Promise<void>;

export interface TrackBus {
  /**
   * Publishes one track. A message whose `meta.key` was published within the bus's duplicate window is
   * dropped (R32: a track that arrived over two paths, or at two processes, is delivered once).
   */
  publish(message: TrackMessage): Promise<void>;
  /** Calls `handler` for every message published from now on, in order; resolves once that holds. */
  subscribe(handler: TrackHandler): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/**
 * A bounded set of recently seen keys: the oldest is forgotten first. A ring of keys beside a Set (deleting
 * a Map's first entry over and over leaves V8 scanning tombstones: O(n) per add).
 */
export class RecentKeys {
  private readonly set = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.ring = new Array<string | undefined>(capacity);
  }

  /** True when the key is new (and remembers it). */
  add(key: string): boolean {
    if (this.set.has(key)) return false;
    const old = this.ring[this.next];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.next] = key;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    this.set.add(key);
    return true;
  }

  get size(): number {
    return this.set.size;
  }
}
