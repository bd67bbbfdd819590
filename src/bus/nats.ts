import { randomUUID } from 'node:crypto';
import {
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  nanos,
  headers as natsHeaders,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { ReltoError } from '../errors/index.js';
import type { TrackBus, TrackHandler, TrackMessage, TrackMeta, Unsubscribe } from './bus.js';

export interface NatsBusOptions {
  /** Server URL (default RELTO_NATS_URL). */
  url?: string;
  /** JetStream stream name, one per node (e.g. `RELTO_TRACKS_KOR`). */
  stream: string;
  /** The subject the node's tracks are published on (e.g. `relto.KOR.tracks`). */
  subject: string;
  /** How long the stream keeps tracks (default 10 minutes: a missile flies at most ~90). */
  maxAgeMs?: number;
  /** At most this many tracks kept (default 1,000,000). */
  maxMessages?: number;
  /** JetStream's duplicate window for `meta.key` (default 2 minutes). */
  duplicateWindowMs?: number;
  /** Where a handler's exception goes (default: stderr). */
  onHandlerError?: (error: unknown) => void;
}

const META_HEADER = 'Relto-Meta';
/** Which publish of which bus connection a message is: its decoded form stays with that connection. */
const PUBLISH_HEADER = 'Relto-Publish';
/** How many of its own publishes a connection keeps decoded for its subscribers (a few seconds' worth). */
const LOCAL_CAPACITY = 8192;

/** The decoded forms of this connection's recent publishes, by publish id; the oldest is forgotten first. */
class LocalDecoded {
  private readonly byId = new Map<string, object>();
  private readonly ring: (string | undefined)[] = new Array<string | undefined>(LOCAL_CAPACITY);
  private next = 0;

  set(id: string, decoded: object): void {
    const old = this.ring[this.next];
    if (old !== undefined) this.byId.delete(old);
    this.ring[this.next] = id;
    this.next = this.next + 1 === LOCAL_CAPACITY ? 0 : this.next + 1;
    this.byId.set(id, decoded);
  }

  get(id: string): object | undefined {
    return this.byId.get(id);
  }

  delete(id: string): void {
    this.byId.delete(id);
  }
}

/**
 * The track bus on NATS JetStream, for a node running as several processes: each process connects to the
 * node's stream; publish() waits for the stream's acknowledgement (the track is stored), with the track's
 * key as the message id so JetStream drops a duplicate published by another process (R32); each
 * subscriber reads through its own ordered consumer from the stream position at which it subscribed.
 */
export class NatsTrackBus implements TrackBus {
  private readonly subscriptions = new Set<ConsumerMessages>();
  private readonly onHandlerError: (error: unknown) => void;
  /** This connection's publisher id: messages carrying it came from this process. */
  private readonly id = randomUUID();
  private sequence = 0;
  private readonly local = new LocalDecoded();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsBusOptions,
  ) {
    this.onHandlerError =
      options.onHandlerError ??
      ((e) =>
        process.stderr.write(
          `track bus: a subscriber failed: ${e instanceof Error ? e.message : String(e)}\n`,
        ));
  }

  /** Connects and makes sure the stream exists (created with the options' limits when absent). */
  static async connect(options: NatsBusOptions): Promise<NatsTrackBus> {
    const url = options.url ?? process.env.RELTO_NATS_URL;
    if (!url) throw new ReltoError('BUS_UNAVAILABLE', 'no NATS URL (--nats URL or RELTO_NATS_URL)');
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: url, name: `relto ${options.stream}`, maxReconnectAttempts: -1 });
    } catch (e) {
      throw new ReltoError('BUS_UNAVAILABLE', `cannot reach NATS at ${url}: ${(e as Error).message}`);
    }
    try {
      const jsm = await nc.jetstreamManager();
      try {
        await jsm.streams.info(options.stream);
      } catch {
        await jsm.streams.add({
          name: options.stream,
          subjects: [options.subject],
          storage: StorageType.Memory,
          retention: RetentionPolicy.Limits,
          discard: DiscardPolicy.Old,
          max_age: nanos(options.maxAgeMs ?? 10 * 60_000),
          max_msgs: options.maxMessages ?? 1_000_000,
          duplicate_window: nanos(options.duplicateWindowMs ?? 2 * 60_000),
        });
      }
      return new NatsTrackBus(nc, nc.jetstream(), jsm, options);
    } catch (e) {
      await nc.close();
      throw new ReltoError('BUS_UNAVAILABLE', `NATS JetStream at ${url}: ${(e as Error).message}`);
    }
  }

  async publish(message: TrackMessage): Promise<void> {
    const h = natsHeaders();
    h.set(META_HEADER, JSON.stringify(message.meta));
    let publish: string | undefined;
    if (message.decoded !== undefined) {
      // The subscribers of this process get the decoded form back with the message: not parsed twice here.
      publish = `${this.id}:${this.sequence++}`;
      h.set(PUBLISH_HEADER, publish);
      this.local.set(publish, message.decoded);
    }
    const ack = await this.js.publish(this.options.subject, message.bytes, {
      msgID: message.meta.key,
      headers: h,
    });
    if (ack.duplicate && publish !== undefined) this.local.delete(publish);
  }

  async subscribe(handler: TrackHandler): Promise<Unsubscribe> {
    // Start after the last stored message: everything published once subscribe() resolves is delivered.
    const info = await this.jsm.streams.info(this.options.stream);
    const consumer = await this.js.consumers.get(this.options.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.state.last_seq + 1,
      filterSubjects: this.options.subject,
    });
    const messages = await consumer.consume();
    this.subscriptions.add(messages);
    const loop = (async () => {
      for await (const m of messages) {
        let meta: TrackMeta;
        try {
          meta = JSON.parse(m.headers?.get(META_HEADER) ?? 'null') as TrackMeta;
          const publish = m.headers?.get(PUBLISH_HEADER);
          const decoded = publish ? this.local.get(publish) : undefined;
          handler(decoded !== undefined ? { bytes: m.data, meta, decoded } : { bytes: m.data, meta });
        } catch (e) {
          this.onHandlerError(e);
        }
      }
    })();
    return async () => {
      this.subscriptions.delete(messages);
      await messages.close();
      await loop;
    };
  }

  /** Deletes the stream (tests and demo teardown). */
  async deleteStream(): Promise<void> {
    await this.jsm.streams.delete(this.options.stream);
  }

  async close(): Promise<void> {
    for (const s of this.subscriptions) await s.close();
    this.subscriptions.clear();
    await this.nc.drain();
  }
}
