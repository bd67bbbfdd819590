import { type SignedTreeHead, verifyHeadConsistency, verifyTreeHead } from '../audit/index.js';
import type { ExchangeKey } from './keys.js';
import { toKeyObject } from './keys.js';
import type { AuditHead } from './schema.js';

/** The signed tree head inside an audit-head record. */
export function treeHeadOf(record: AuditHead): SignedTreeHead {
  return {
    treeSize: record.treeSize,
    rootHash: record.rootHash,
    timestamp: record.timestamp,
    origin: record.origin,
    signature: record.signature,
  };
}

export type AuditHeadCheck =
  | { ok: true; head: SignedTreeHead }
  | {
      ok: false;
      /**
       * BAD_HEAD_SIGNATURE: the head is not the origin's. NO_CONSISTENCY_PROOF: a proof from the head we
       * hold is missing. LOG_REWRITTEN: the new head does not extend the one we hold — raise the alarm (R29).
       */
      alarm: 'BAD_HEAD_SIGNATURE' | 'NO_CONSISTENCY_PROOF' | 'LOG_REWRITTEN';
      message: string;
    };

/**
 * Checks a partner's new audit head (R29) against the last head of its log this node holds: the head's
 * own signature, and the consistency proof from the held size. The first head of a partner has nothing to
 * be consistent with and is accepted on its signature.
 */
export function checkAuditHead(
  record: AuditHead,
  held: SignedTreeHead | undefined,
  originKey: ExchangeKey,
): AuditHeadCheck {
  const head = treeHeadOf(record);
  const key = toKeyObject(originKey);
  if (!verifyTreeHead(head, key)) {
    return { ok: false, alarm: 'BAD_HEAD_SIGNATURE', message: `the head is not signed by ${record.origin}` };
  }
  if (!held) return { ok: true, head };
  if (head.treeSize < held.treeSize) {
    return {
      ok: false,
      alarm: 'LOG_REWRITTEN',
      message: `${record.origin}'s log shrank from ${held.treeSize} to ${head.treeSize} entries`,
    };
  }
  if (head.treeSize === held.treeSize) {
    return head.rootHash === held.rootHash
      ? { ok: true, head }
      : { ok: false, alarm: 'LOG_REWRITTEN', message: `two different roots for size ${head.treeSize}` };
  }
  if (!record.consistency || record.consistency.fromSize !== held.treeSize) {
    return {
      ok: false,
      alarm: 'NO_CONSISTENCY_PROOF',
      message: `no consistency proof from the held size ${held.treeSize}`,
    };
  }
  if (!verifyHeadConsistency(held, head, record.consistency.proof, key)) {
    return {
      ok: false,
      alarm: 'LOG_REWRITTEN',
      message: `${record.origin}'s head of ${head.treeSize} does not extend the held head of ${held.treeSize}`,
    };
  }
  return { ok: true, head };
}
