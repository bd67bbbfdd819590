import * as crypto from 'node:crypto';
import { leafHash, MerkleTree, rootFromInclusionProof } from '../audit/index.js';
import { type CanonicalForms, canonicalBytes, canonicalize, sha256 } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import { signDetachedJws, verifyJws } from './compact-jose.js';
import { type ExchangeKey, toKeyObject } from './keys.js';
import type { SignedRecord } from './schema.js';

/**
 * Batches signed by their originator (contracts §9, R25).
 *
 * Leaf definition, exactly: for each object, d = SHA-256(RFC 8785 canonical JSON of the object, UTF-8);
 * the Merkle tree is RFC 9162's over the entries d (so the leaf hash is SHA-256(0x00 ‖ d) and inner nodes
 * SHA-256(0x01 ‖ left ‖ right)), objects in the order given. The originator signs the 32-byte root: a
 * compact JWS, Ed25519 (`EdDSA`), payload detached (`header..signature`), protected header
 * `{"alg":"EdDSA","typ":"relto-batch","kid":PARTY,"treeSize":N}` — the party names the key to verify with,
 * the size is signed so a proof cannot claim another tree shape.
 */

export const BATCH_TYP = 'relto-batch';

/** The batch signer: its party (the JWS `kid`) and its Ed25519 private key. */
export interface Originator {
  party: string;
  key: ExchangeKey;
}

// One-shot SHA-256 (Node ≥ 20.12) skips the Hash object createHash builds: most of a short hash's cost, and
// every object of a batch is hashed twice on each side.
const oneShot = (crypto as { hash?: (alg: string, data: crypto.BinaryLike, enc: 'buffer') => Buffer }).hash;

/** The leaf entry of an object: SHA-256 of its RFC 8785 form. */
export function objectDigest(object: unknown): Buffer {
  return digestKeeping(object);
}

/** objectDigest, keeping the object's canonical form in `forms` when given. */
function digestKeeping(object: unknown, forms?: CanonicalForms): Buffer {
  let bytes: Buffer;
  if (forms && typeof object === 'object' && object !== null) {
    const text = canonicalize(object);
    forms.set(object, text);
    bytes = Buffer.from(text, 'utf8');
  } else {
    bytes = canonicalBytes(object);
  }
  return oneShot ? oneShot('sha256', bytes, 'buffer') : sha256(bytes);
}

// 0x00 ‖ digest, reused: the leaf prefix stays, the digest is overwritten per leaf.
const leafScratch = Buffer.alloc(33, 0x00);

/** The Merkle leaf hash of an object: SHA-256(0x00 ‖ SHA-256(JCS(object))). */
export function objectLeafHash(object: unknown): Buffer {
  return leafKeeping(object);
}

function leafKeeping(object: unknown, forms?: CanonicalForms): Buffer {
  const digest = digestKeeping(object, forms);
  if (!oneShot) return leafHash(digest);
  leafScratch.set(digest, 1);
  return oneShot('sha256', leafScratch, 'buffer');
}

/** A signed record whose object keeps the caller's type. */
export type SignedBatchRecord<T> = SignedRecord & { object: T };

/** The protected header of a batch JWS, as the originator wrote it. */
export interface BatchHeader {
  alg: 'EdDSA';
  typ: typeof BATCH_TYP;
  kid: string;
  treeSize: number;
}

/**
 * Signs a batch: one Ed25519 signature over the Merkle root, and for each object (in order) its signed
 * record: the object, its inclusion proof, index and the tree size, and the detached JWS.
 *
 * @example const records = signBatch({ party: 'KOR', key: kor.signing.privateJwk }, objects);
 */
export function signBatch<T extends object>(
  originator: Originator,
  objects: readonly T[],
  /** Where to keep each object's canonical form, for the message that carries them (see CanonicalForms). */
  forms?: CanonicalForms,
): SignedBatchRecord<T>[] {
  if (objects.length === 0) throw new ReltoError('INVALID_ARGUMENT', 'a batch needs at least one object');
  const tree = new MerkleTree();
  for (const o of objects) tree.appendLeafHash(leafKeeping(o, forms));
  const root = tree.root();
  const header: BatchHeader = {
    alg: 'EdDSA',
    typ: BATCH_TYP,
    kid: originator.party,
    treeSize: objects.length,
  };
  const originatorJws = signDetachedJws(root, { ...header }, toKeyObject(originator.key));
  return objects.map((object, leafIndex) => ({
    // JSON objects all: the cast only lets an interface type (e.g. LabelMarking) stand as a record.
    object: object as T & Record<string, unknown>,
    proof: tree.inclusionProof(leafIndex).map((h) => h.toString('hex')),
    leafIndex,
    treeSize: objects.length,
    originatorJws,
  }));
}

/** Why a signed record does not verify. */
export type RecordFault =
  | 'BAD_PROOF' // the proof cannot be evaluated (malformed, or index/size it cannot belong to)
  | 'BAD_ORIGINATOR_SIGNATURE' // the originator's signature does not cover this object (object, proof or JWS altered)
  | 'MALFORMED_REQUEST'; // the JWS is not a relto batch signature

export type RecordCheck =
  | { ok: true; originator: string; root: string }
  | { ok: false; code: RecordFault; message: string; path: string };

const HEX32 = /^[0-9a-f]{64}$/;

/** The protected header of a detached batch JWS, or a fault. Unverified: read to find the key. */
export function batchHeader(jws: string): BatchHeader | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '' || parts[0] === '' || parts[2] === '') return undefined;
  try {
    const h = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (h.alg !== 'EdDSA' || h.typ !== BATCH_TYP || typeof h.kid !== 'string') return undefined;
    if (!Number.isSafeInteger(h.treeSize) || (h.treeSize as number) < 1) return undefined;
    if (h.crit !== undefined || h.b64 !== undefined) return undefined;
    return h as unknown as BatchHeader;
  } catch {
    return undefined;
  }
}

/** The Merkle root a record's object and proof lead to (hex), or a fault. */
export function recordRoot(
  record: SignedRecord,
): { root: Uint8Array } | { fault: RecordCheck & { ok: false } } {
  const bad = (message: string, path: string) => ({
    fault: { ok: false as const, code: 'BAD_PROOF' as const, message, path },
  });
  if (!Array.isArray(record.proof) || record.proof.some((h) => typeof h !== 'string' || !HEX32.test(h))) {
    return bad('the proof must be a list of 64-digit lowercase hex hashes', '/proof');
  }
  let leaf: Buffer;
  try {
    leaf = objectLeafHash(record.object);
  } catch (e) {
    if (e instanceof ReltoError)
      return bad(`the object is not canonical JSON: ${e.message}`, `/object${e.path}`);
    throw e;
  }
  const root = rootFromInclusionProof(
    leaf,
    record.leafIndex,
    record.treeSize,
    record.proof.map((h) => Buffer.from(h, 'hex')),
  );
  if (!root) {
    return bad(
      `not an inclusion proof for leaf ${record.leafIndex} of a tree of ${record.treeSize}`,
      '/proof',
    );
  }
  return { root };
}

/** Verifies the detached batch JWS over `root` with the originator's public key. */
export function verifyBatchSignature(
  jws: string,
  root: Uint8Array,
  originatorPublicKey: ExchangeKey,
): boolean {
  return verifyJws(jws, toKeyObject(originatorPublicKey), root) !== undefined;
}

/**
 * Verifies one signed record on its own (R25): its object's canonical hash, its inclusion proof up to a
 * root, and the originator's detached JWS over that root with `originatorPublicKey`. The header's `kid`
 * (the originator party) and `treeSize` must match the record.
 */
export function verifyItem(record: SignedRecord, originatorPublicKey: ExchangeKey): RecordCheck {
  const header = batchHeader(record.originatorJws);
  if (!header) {
    return {
      ok: false,
      code: 'MALFORMED_REQUEST',
      message: 'originatorJws is not a detached relto batch JWS',
      path: '/originatorJws',
    };
  }
  if (header.treeSize !== record.treeSize) {
    return {
      ok: false,
      code: 'BAD_ORIGINATOR_SIGNATURE',
      message: `the originator signed a tree of ${header.treeSize}, not ${record.treeSize}`,
      path: '/treeSize',
    };
  }
  const r = recordRoot(record);
  if ('fault' in r) return r.fault;
  if (!verifyBatchSignature(record.originatorJws, r.root, originatorPublicKey)) {
    return {
      ok: false,
      code: 'BAD_ORIGINATOR_SIGNATURE',
      message: `the signature of ${header.kid} does not cover this object (object, proof or signature altered)`,
      path: '/originatorJws',
    };
  }
  return { ok: true, originator: header.kid, root: Buffer.from(r.root).toString('hex') };
}
