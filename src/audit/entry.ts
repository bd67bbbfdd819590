import { canonicalBytes, canonicalize } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { leafHash } from './merkle.js';

/**
 * What an audit entry records (R29): decisions, custody steps, compromise reports, exchanges, and `track`:
 * the live-track decisions, aggregated per recipient, label, decision and second (actions `release`, `read`,
 * `receive`, `strip`; see track/accountability.ts).
 */
export type AuditEntryKind =
  | 'decision'
  | 'custody'
  | 'compromise'
  | 'release'
  | 'receipt'
  | 'refusal'
  | 'consent'
  | 'reclassification'
  | 'head'
  | 'person'
  | 'node'
  | 'track';

export const AUDIT_ENTRY_KINDS: readonly AuditEntryKind[] = [
  'decision',
  'custody',
  'compromise',
  'release',
  'receipt',
  'refusal',
  'consent',
  'reclassification',
  'head',
  'person',
  'node',
  'track',
];

/** What the caller supplies; the chain adds `index` and `prev`. */
export interface AuditEntryInput {
  kind: AuditEntryKind;
  /** When it happened (RFC 3339); passed in, the core has no clock. */
  at: string;
  /** Who acted: a person's name on this node, or `node:KOR` for the node itself or a partner. */
  actor: string;
  /** What it is about: STIX ids, request ids, compromise report ids. */
  subjects?: string[];
  /** The action decided or done: read, create, release, copy, destroy, … */
  action?: string;
  decision?: 'permit' | 'deny';
  /** Reason codes of a deny (contracts §4) or of a refusal. */
  reasons?: string[];
  /** Anything else worth keeping (no content of items: the log is not a second copy of them). */
  details?: Record<string, unknown>;
}

/** One stored audit entry: its position and the leaf hash of the entry before it (hash-linked, R29). */
export interface AuditEntry extends AuditEntryInput {
  index: number;
  /** Leaf hash (hex) of entry index−1; GENESIS_PREV for the first entry. */
  prev: string;
}

/** `prev` of the first entry. */
export const GENESIS_PREV = '0'.repeat(64);

/** The bytes that are hashed into the Merkle log: RFC 8785 canonical JSON of the whole entry. */
export function entryBytes(entry: AuditEntry): Buffer {
  return canonicalBytes(entry);
}

// Every key sealEntry may set, in RFC 8785 order (UTF-16 code units).
const SEALED_KEYS = [
  'action',
  'actor',
  'at',
  'decision',
  'details',
  'index',
  'kind',
  'prev',
  'reasons',
  'subjects',
] as const;

/**
 * The canonical text of an entry made by `sealEntry` (its keys are known, so they need no sorting): equal to
 * `canonicalize(entry)`, which it falls back to for anything it does not expect, errors included.
 */
export function sealedEntryText(entry: AuditEntry): string {
  let out = '{';
  try {
    for (const k of SEALED_KEYS) {
      const v = entry[k];
      if (v === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}"${k}":${canonicalize(v)}`;
    }
  } catch {
    return canonicalize(entry);
  }
  return `${out}}`;
}

/** The entry's Merkle leaf hash, SHA-256(0x00 || canonical bytes), as hex. */
export function entryLeafHash(entry: AuditEntry): string {
  return leafHash(entryBytes(entry)).toString('hex');
}

/** Builds the next entry of a chain, keeping only the fields that are set so the canonical form is stable. */
export function sealEntry(input: AuditEntryInput, index: number, prev: string): AuditEntry {
  if (!AUDIT_ENTRY_KINDS.includes(input.kind)) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `unknown audit entry kind ${JSON.stringify(input.kind)}`,
      '/kind',
    );
  }
  if (typeof input.at !== 'string' || Number.isNaN(Date.parse(input.at))) {
    throw new ReltoError('INVALID_ARGUMENT', 'an audit entry needs an instant `at`', '/at');
  }
  if (typeof input.actor !== 'string' || input.actor === '') {
    throw new ReltoError('INVALID_ARGUMENT', 'an audit entry needs an actor', '/actor');
  }
  const entry: AuditEntry = { index, prev, kind: input.kind, at: input.at, actor: input.actor };
  if (input.subjects !== undefined) entry.subjects = [...input.subjects];
  if (input.action !== undefined) entry.action = input.action;
  if (input.decision !== undefined) entry.decision = input.decision;
  if (input.reasons !== undefined) entry.reasons = [...input.reasons];
  if (input.details !== undefined) entry.details = input.details;
  return entry;
}
