import { type SignedTreeHead, type SigningKey, verifyTreeHead } from './head.js';
import { verifyConsistency, verifyInclusion } from './merkle.js';

const bytes = (hex: readonly string[]): Buffer[] => hex.map((h) => Buffer.from(h, 'hex'));

/**
 * Checks a partner's new signed head against the last one we hold (R29): both signatures, and the
 * consistency proof that the new tree extends the old one. False means the partner's log was rewritten (or
 * the message is forged): raise the alarm.
 */
export function verifyHeadConsistency(
  oldHead: SignedTreeHead,
  newHead: SignedTreeHead,
  proof: readonly string[],
  publicKey: SigningKey,
): boolean {
  if (!verifyTreeHead(oldHead, publicKey) || !verifyTreeHead(newHead, publicKey)) return false;
  if (oldHead.origin !== newHead.origin) return false;
  return verifyConsistency(
    oldHead.treeSize,
    newHead.treeSize,
    bytes(proof),
    Buffer.from(oldHead.rootHash, 'hex'),
    Buffer.from(newHead.rootHash, 'hex'),
  );
}

/** Checks that the leaf `leafHash` (hex) sits at `index` of the log under a signed head. */
export function verifyEntryInclusion(
  leafHash: string,
  index: number,
  head: SignedTreeHead,
  proof: readonly string[],
  publicKey: SigningKey,
): boolean {
  if (!verifyTreeHead(head, publicKey)) return false;
  return verifyInclusion(
    Buffer.from(leafHash, 'hex'),
    index,
    head.treeSize,
    bytes(proof),
    Buffer.from(head.rootHash, 'hex'),
  );
}
