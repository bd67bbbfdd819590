import {
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { canonicalBytes } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { treeHeadBody } from './head-body.js';

/** A tree head: the log's size and root at an instant (R29). `origin` names whose log it is. */
export interface TreeHead {
  treeSize: number;
  /** MTH of the first treeSize leaves, lowercase hex. */
  rootHash: string;
  /** When the head was made (RFC 3339, passed in by the caller: the core has no clock). */
  timestamp: string;
  /** The log's owner, e.g. the node's party code; signed, so a head cannot be passed off as another log's. */
  origin?: string;
}

/** A tree head with an Ed25519 signature (base64) over `treeHeadBytes(head)`. */
export interface SignedTreeHead extends TreeHead {
  signature: string;
}

export type SigningKey = KeyObject | JsonWebKey;

/**
 * The bytes a head's signature covers: RFC 8785 canonical JSON with a domain tag, so a head signature can
 * never be mistaken for a signature over any other relto message.
 */
export function treeHeadBytes(head: TreeHead): Buffer {
  return canonicalBytes(treeHeadBody(head));
}

function checkHead(head: TreeHead): void {
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0) {
    throw new ReltoError('INVALID_ARGUMENT', 'treeSize must be a non-negative integer', '/treeSize');
  }
  if (!/^[0-9a-f]{64}$/.test(head.rootHash)) {
    throw new ReltoError('INVALID_ARGUMENT', 'rootHash must be 64 lowercase hex digits', '/rootHash');
  }
}

function privateKeyOf(key: SigningKey): KeyObject {
  return 'type' in key && (key as KeyObject).type === 'private'
    ? (key as KeyObject)
    : createPrivateKey({ key: key as JsonWebKey, format: 'jwk' });
}

function publicKeyOf(key: SigningKey): KeyObject {
  if ('type' in key && typeof (key as KeyObject).export === 'function') {
    const k = key as KeyObject;
    return k.type === 'public' ? k : createPublicKey(k);
  }
  return createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
}

/** Signs a tree head with an Ed25519 private key (KeyObject or JWK). */
export function signTreeHead(head: TreeHead, privateKey: SigningKey): SignedTreeHead {
  checkHead(head);
  const signature = sign(null, treeHeadBytes(head), privateKeyOf(privateKey)).toString('base64');
  const signed: SignedTreeHead = {
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    signature,
  };
  if (head.origin !== undefined) signed.origin = head.origin;
  return signed;
}

/** True when the head's signature is valid for this Ed25519 public key (KeyObject or JWK). */
export function verifyTreeHead(head: SignedTreeHead, publicKey: SigningKey): boolean {
  try {
    checkHead(head);
    return verify(null, treeHeadBytes(head), publicKeyOf(publicKey), Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}
