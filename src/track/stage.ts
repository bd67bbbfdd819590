import type { Logger } from 'pino';
import type { AuditEntryInput } from '../audit/index.js';
import type { TrackMessage } from '../bus/index.js';
import type { Label } from '../label/index.js';
import type { Person } from '../node/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import type { Track } from './track.js';

/** What the stages of the track path share: the node they serve, its logging and its counters. */

/** The logging the services do (pino's, or Fastify's logger, which is pino's). */
export type TrackLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** What the track services need of the node: its party, its rules and its people (R36). */
export interface TrackNode {
  readonly party: string;
  readonly registry: CompiledRegistry;
  refreshPerson(person: Person): Promise<Person | null>;
  onPersonChanged(listener: (name: string) => void): () => void;
  /** Queues an entry on the node's audit log (R29: the track decisions, aggregated per second). */
  recordAudit(entry: AuditEntryInput): void;
}

export interface TrackStats {
  received: number;
  refused: number;
  published: number;
  duplicates: number;
  deliveredToClients: number;
  sentToPartners: number;
  pings: number;
}

export function newTrackStats(): TrackStats {
  return {
    received: 0,
    refused: 0,
    published: 0,
    duplicates: 0,
    deliveredToClients: 0,
    sentToPartners: 0,
    pings: 0,
  };
}

/**
 * A track as the intake publishes it: parsed, labelled and stripped (R30), with the instant it goes stale.
 * It rides the bus beside its bytes within a process, so no subscriber there parses or labels it again.
 */
export class PublishedTrack {
  constructor(
    readonly track: Track,
    readonly label: Label,
    readonly feed: string | undefined,
    readonly staleMs: number,
  ) {}
}

/** A track as a subscriber of the node receives it: parsed, labelled, stripped (R30), serialised once. */
export interface DeliveredTrack {
  track: Track;
  label: Label;
  /** The CoT bytes every recipient gets (what leaves the node). */
  bytes: Uint8Array;
  meta: TrackMessage['meta'];
  /** The partner parties this node released the track to (decide(release) permitted, R24, R32), sorted as sent. */
  sentTo?: string[];
}
