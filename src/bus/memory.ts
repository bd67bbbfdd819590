import { RecentKeys, type TrackBus, type TrackHandler, type TrackMessage, type Unsubscribe } from './bus.js';

export interface InProcessBusOptions {
  /** How many recent keys are remembered for duplicate suppression (default 100,000). */
  dedupCapacity?: number;
  /** Where a handler's exception goes (default: stderr); one failing subscriber never stops the others. */
  onHandlerError?: (error: unknown) => void;
}

/**
 * The default bus: one process, handlers called synchronously in publish() (no copy, no queue: the
 * fastest path from sensor input to the writers). Handlers must not mutate the bytes.
 */
export class InProcessTrackBus implements TrackBus {
  private handlers: TrackHandler[] = [];
  private readonly recent: RecentKeys;
  private readonly onHandlerError: (error: unknown) => void;
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.recent = new RecentKeys(options.dedupCapacity ?? 100_000);
    this.onHandlerError =
      options.onHandlerError ??
      ((e) =>
        process.stderr.write(
          `track bus: a subscriber failed: ${e instanceof Error ? e.message : String(e)}\n`,
        ));
  }

  async publish(message: TrackMessage): Promise<void> {
    this.publishSync(message);
  }

  /** publish() without the promise, for the hot path. Returns false for a dropped duplicate. */
  publishSync(message: TrackMessage): boolean {
    if (this.closed) throw new Error('the track bus is closed');
    if (!this.recent.add(message.meta.key)) return false;
    // A snapshot: a handler that unsubscribes during delivery does not skip its neighbour.
    const hs = this.handlers;
    for (let i = 0; i < hs.length; i++) {
      try {
        hs[i](message);
      } catch (e) {
        this.onHandlerError(e);
      }
    }
    return true;
  }

  async subscribe(handler: TrackHandler): Promise<Unsubscribe> {
    if (this.closed) throw new Error('the track bus is closed');
    this.handlers = [...this.handlers, handler];
    return async () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers = [];
  }
}
