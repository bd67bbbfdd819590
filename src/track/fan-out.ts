import type { TrackMessage } from '../bus/index.js';
import { labelKey } from '../label/index.js';
import { type Person, principalOfPerson } from '../node/index.js';
import type { Answer, Principal } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { mayClientReceive, mayPartnerReceive, type StandingConsents } from './access.js';
import type { TrackAccountability } from './accountability.js';
import { tryParseCot } from './cot.js';
import { mayForwardTo } from './flow.js';
import { parseInstant } from './instant.js';
import { trackLabel } from './label.js';
import type { Sent } from './partner-link.js';
import { type DeliveredTrack, PublishedTrack, type TrackLogger, type TrackStats } from './stage.js';

/** What fan-out needs of a TAK client's connection (a TLSSocket in service, anything alike in a test). */
export interface ClientSocket {
  readonly writableLength: number;
  readonly destroyed: boolean;
  write(bytes: Uint8Array): boolean;
  destroy(): void;
}

/** Where fan-out hands a partner's tracks (a PartnerLink). */
export interface PartnerSink {
  send(item: Sent): void;
}

/** A person's live view (WebSocket): tracks they may read until cut (R36). */
export interface PersonStream {
  close(): void;
}

export interface FanOutOptions {
  /** This node's party, which holds every track it fans out. */
  self: string;
  registry: CompiledRegistry;
  /** The principal the node releases as (nodePrincipal). */
  nodeActor: Principal;
  /** Standing consents this node holds as a relaying hub (R24). */
  standingConsents?: StandingConsents;
  now: () => number;
  log: TrackLogger;
  stats: TrackStats;
  /** A client whose unsent output exceeds this many bytes is dropped (slow consumer). */
  maxClientBacklog: number;
  /** R29: where every release, read and denial is tallied for the audit log. */
  account: TrackAccountability;
}

/** A decision as the fan-out keeps it: `true` for a permit, else the deny's reason codes (R29). */
type Verdict = true | string;

function verdictOf(answer: Answer): Verdict {
  return answer.decision === 'permit' ? true : answer.reasons.map((r) => r.code).join(' ') || 'DENY';
}

/** A reader of the node's tracks: a TAK client or a WebSocket stream, with its decide(read) answers. */
interface Reader {
  person: Person;
  principal: Principal;
  /** decide(read) answers per label (cleared each second and on any change of the person). */
  cache: Map<string, Verdict>;
}

interface ClientConn extends Reader {
  socket: ClientSocket;
  /** Tracks for this client not yet written: written as one chunk once the current batch is fanned out. */
  pending: Uint8Array[];
  pendingBytes: number;
}

interface StreamConn extends Reader {
  deliver: (t: DeliveredTrack) => void;
  cut: (reason: string) => void;
}

function sameTracks(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The fan-out of the track path: every track on the bus goes to each TAK client and WebSocket stream whose
 * person decide(read) permits (R31, answers cached per label for a second), and to each partner link
 * decide(release) permits (R24 standing consents at a hub, R31), never back to a party on its flow nor
 * to its originator (R32). All recipients get the same bytes, serialised once by the intake. A change of a
 * person cuts their clients and streams at once (R36).
 */
export class FanOut {
  private readonly clients = new Set<ClientConn>();
  private readonly streams = new Set<StreamConn>();
  private readonly links = new Map<string, PartnerSink>();
  private readonly cacheTimer: NodeJS.Timeout;
  /** Clients with pending tracks, flushed once the events of the chunk being read are all fanned out. */
  private dirty: ClientConn[] = [];
  private readonly flush = () => this.writePending();

  constructor(private readonly o: FanOutOptions) {
    // Decisions depend on the date (agreements' lifecycle, consent expiry): cached answers live one second.
    this.cacheTimer = setInterval(() => {
      for (const c of this.clients) c.cache.clear();
      for (const s of this.streams) s.cache.clear();
    }, 1000);
    this.cacheTimer.unref();
  }

  /** TAK clients connected and identified. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** A TAK client of `person` from now on; the returned function forgets it (its socket closed). */
  addClient(socket: ClientSocket, person: Person): () => void {
    const conn: ClientConn = {
      socket,
      person,
      principal: principalOfPerson(person),
      cache: new Map(),
      pending: [],
      pendingBytes: 0,
    };
    this.clients.add(conn);
    return () => {
      this.clients.delete(conn);
    };
  }

  /**
   * Streams to `person` every track they may read (decide(read), R31), from now on; `onCut` is called once
   * when the stream ends because the person changed or was disabled (R36) or the services closed.
   */
  streamTo(
    person: Person,
    onTrack: (t: DeliveredTrack) => void,
    onCut: (reason: string) => void,
  ): PersonStream {
    const s: StreamConn = {
      person,
      principal: principalOfPerson(person),
      cache: new Map(),
      deliver: onTrack,
      cut: onCut,
    };
    this.streams.add(s);
    return {
      close: () => {
        this.streams.delete(s);
      },
    };
  }

  /** The link tracks for `party` go to. */
  addLink(party: string, link: PartnerSink): void {
    this.links.set(party, link);
  }

  /** R36: any change of a person cuts their streams at once; a TAK client reconnects and is checked again. */
  personChanged(name: string): void {
    for (const c of this.clients) {
      if (c.person.name !== name) continue;
      this.clients.delete(c);
      this.o.log.info({ user: name }, 'CoT client cut: the person changed');
      c.socket.destroy();
    }
    for (const s of this.streams) {
      if (s.person.name !== name) continue;
      this.streams.delete(s);
      s.cut('the signed-in person changed (clearance, roles or access): sign in again');
    }
  }

  /** The bus's subscriber: one track to everyone the rules permit. */
  readonly deliver = (m: TrackMessage): void => {
    const p = this.decode(m);
    if (!p) return;
    const { stats, log, maxClientBacklog, account } = this.o;
    const at = new Date(this.o.now()).toISOString();
    // One key string per message: every client's cache lookup then reuses its hash.
    const key = `${m.meta.labelKey ?? labelKey(p.label)}\u0000${m.meta.receivedUnder ?? ''}`;
    for (const c of this.clients) {
      const v = this.mayRead(c, p, m.meta, at, key);
      if (v !== true) {
        account.refused('client', c, c.person.name, key, v); // R29
        continue;
      }
      if (c.socket.writableLength + c.pendingBytes > maxClientBacklog) {
        this.clients.delete(c);
        log.warn({ user: c.person.name }, 'CoT client dropped: too slow');
        c.socket.destroy();
        continue;
      }
      if (c.pending.length === 0) {
        if (this.dirty.length === 0) process.nextTick(this.flush);
        this.dirty.push(c);
      }
      c.pending.push(m.bytes);
      c.pendingBytes += m.bytes.length;
      account.delivered('client', c, c.person.name, key, m.bytes); // R29
      stats.deliveredToClients++;
    }
    // Partners first: a person's stream then says which parties the node released this track to (R29).
    const sentTo: string[] = [];
    for (const [party, link] of this.links) {
      // R32: never back to a party that carried it, nor to its originator.
      if (!mayForwardTo(p.track, p.label.originator, party)) continue;
      const v = this.mayRelease(p, m.meta, party, at);
      if (v !== true) {
        account.refused('partner', link, party, key, v); // R29
        continue;
      }
      link.send({ bytes: m.bytes, staleMs: p.staleMs });
      account.delivered('partner', link, party, key, m.bytes); // R29
      stats.sentToPartners++;
      sentTo.push(party);
    }
    if (this.streams.size === 0) return;
    const delivered: DeliveredTrack = {
      track: p.track,
      label: p.label,
      bytes: m.bytes,
      meta: m.meta,
      sentTo,
    };
    for (const s of this.streams) {
      const v = this.mayRead(s, p, m.meta, at, key);
      if (v !== true)
        account.refused('stream', s, s.person.name, key, v); // R29
      else {
        s.deliver(delivered);
        account.delivered('stream', s, s.person.name, key, m.bytes); // R29
      }
    }
  };

  /**
   * Writes each client's pending tracks as one chunk: fewer, larger TLS records, and clients that get the
   * same tracks (the same rules for the same people) share one concatenated buffer.
   */
  private writePending(): void {
    const dirty = this.dirty;
    this.dirty = [];
    let lastList: Uint8Array[] | undefined;
    let lastChunk: Uint8Array | undefined;
    for (const c of dirty) {
      const list = c.pending;
      c.pending = [];
      let chunk: Uint8Array;
      if (list.length === 1) chunk = list[0];
      else if (lastChunk !== undefined && sameTracks(list, lastList!)) chunk = lastChunk;
      else {
        chunk = Buffer.concat(list, c.pendingBytes);
        lastList = list;
        lastChunk = chunk;
      }
      c.pendingBytes = 0;
      if (!c.socket.destroyed) c.socket.write(chunk);
    }
  }

  /** Cuts every stream (the services closed). */
  close(): void {
    clearInterval(this.cacheTimer);
    for (const s of this.streams) s.cut('track services closed');
    this.streams.clear();
  }

  /** The message's track: the publisher's parsed form in this process, else its bytes decoded once. */
  private decode(m: TrackMessage): PublishedTrack | undefined {
    if (m.decoded instanceof PublishedTrack) return m.decoded;
    // From another process (NATS): the bytes are already labelled and stripped by the publishing process.
    const r = tryParseCot(m.bytes, { now: this.o.now() });
    if (!r.ok) {
      this.o.log.error({ uid: m.meta.uid, reason: r.reason }, 'a bus message does not parse');
      return undefined;
    }
    try {
      return new PublishedTrack(r.track, trackLabel(r.track), m.meta.feed, parseInstant(r.track.stale));
    } catch {
      return undefined;
    }
  }

  private mayRead(
    conn: Reader,
    p: PublishedTrack,
    meta: TrackMessage['meta'],
    at: string,
    key: string,
  ): Verdict {
    let ok = conn.cache.get(key);
    if (ok === undefined) {
      try {
        const args = { label: p.label, principal: conn.principal, at };
        ok = verdictOf(
          mayClientReceive(
            this.o.registry,
            meta.receivedUnder !== undefined ? { ...args, receivedUnder: meta.receivedUnder } : args,
          ),
        );
      } catch {
        ok = 'MALFORMED_REQUEST'; // a malformed request is never a permit
      }
      conn.cache.set(key, ok);
    }
    return ok;
  }

  /**
   * R31, R24: release to that party only if decide() permits it (no cache: a revoked consent stops the
   * relay with the next track).
   */
  private mayRelease(p: PublishedTrack, meta: TrackMessage['meta'], party: string, at: string): Verdict {
    const o = this.o;
    try {
      const args = {
        label: p.label,
        holder: o.self,
        to: party,
        at,
        principal: o.nodeActor,
        ...(p.feed !== undefined ? { feed: p.feed } : {}),
        ...(meta.receivedUnder !== undefined ? { receivedUnder: meta.receivedUnder } : {}),
        ...(o.standingConsents ? { consents: o.standingConsents } : {}),
      };
      return verdictOf(mayPartnerReceive(o.registry, args));
    } catch (e) {
      o.log.warn({ uid: p.track.uid, to: party, err: (e as Error).message }, 'release request malformed');
      return 'MALFORMED_REQUEST';
    }
  }
}
