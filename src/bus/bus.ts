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

/** A bounded set of recently seen keys: the oldest is forgotten first. */
export class RecentKeys {
  private readonly keys = new Map<string, true>();
  constructor(readonly capacity: number) {}

  /** True when the key is new (and remembers it). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value as string);
    return true;
  }
}
