import { treeHeadBody } from '../../../../src/audit/head-body.js';
import { canonicalize } from '../../../../src/canon/canonicalize.js';

/**
 * An audit entry checked in the browser (R29), with WebCrypto only: the entry's leaf hash, its RFC 9162
 * inclusion proof up to the signed head's root, and the head's Ed25519 signature. The node's `src/audit/`
 * hashes with node:crypto, so the browser cannot import it; this is the same hashing written once for
 * WebCrypto (RFC 9162 §2.1: SHA-256 with 0x00 before a leaf and 0x01 before two children), and its tests
 * check it against proofs and heads made by `src/audit/`.
 */

/** The signed head as `GET /api/v1/audit/head` answers it. */
export interface SignedHead {
  treeSize: number;
  /** Lowercase hex. */
  rootHash: string;
  timestamp: string;
  /** Base64 Ed25519 signature. */
  signature: string;
  origin?: string;
  publicKey: { kty: 'OKP'; crv: 'Ed25519'; x: string };
}

/** `GET /api/v1/audit/proofs/inclusion`: hex hashes, leaf to root. */
export interface InclusionProof {
  leafHash: string;
  proof: string[];
}

/** What failed: the entry is not the one logged, the proof does not reach the root, or the head is not signed. */
export type Failure = 'entry' | 'proof' | 'signature';

export type Verdict = { ok: true } | { ok: false; failure: Failure };

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function fromHex(h: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})*$/i.test(h)) return null;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fromBase64(b: string): Uint8Array<ArrayBuffer> | null {
  try {
    const s = atob(b);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

async function sha256(
  subtle: SubtleCrypto,
  prefix: number,
  ...parts: Uint8Array[]
): Promise<Uint8Array<ArrayBuffer>> {
  let size = 1;
  for (const p of parts) size += p.length;
  const buf = new Uint8Array(size);
  buf[0] = prefix;
  let at = 1;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await subtle.digest('SHA-256', buf));
}

/** The entry's leaf hash: SHA-256(0x00 || RFC 8785 canonical JSON of the whole entry), as the node seals it. */
export async function entryLeafHash(entry: unknown, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  return hex(await sha256(subtle, 0x00, encoder.encode(canonicalize(entry))));
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or null when it cannot be a proof for this index
 * and size. Arithmetic rather than bit operators: those truncate to 32 bits.
 */
export async function rootFromProof(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  subtle: SubtleCrypto = crypto.subtle,
): Promise<Uint8Array | null> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) {
    return null;
  }
  const odd = (x: number) => x % 2 === 1;
  const half = (x: number) => Math.floor(x / 2);
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== 32) return null;
    if (odd(fn) || fn === sn) {
      r = await sha256(subtle, 0x01, p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await sha256(subtle, 0x01, r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** The bytes the head's signature covers (the node's treeHeadBytes): canonical JSON with a domain tag. */
export function headBytes(head: SignedHead): Uint8Array<ArrayBuffer> {
  return encoder.encode(canonicalize(treeHeadBody(head)));
}

/** Is the head signed by the key it names (Ed25519, WebCrypto)? */
export async function verifyHead(head: SignedHead, subtle: SubtleCrypto = crypto.subtle): Promise<boolean> {
  const signature = fromBase64(head.signature);
  if (!signature || !/^[0-9a-f]{64}$/.test(head.rootHash)) return false;
  try {
    const key = await subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: head.publicKey.x },
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    return await subtle.verify({ name: 'Ed25519' }, key, signature, headBytes(head));
  } catch {
    return false;
  }
}

/**
 * Checks entry `index` of the log: its leaf hash recomputed from the entry shown (it must be the one the
 * proof is for), the proof leading to the head's root, and the head's signature.
 */
export async function verifyEntry(
  entry: unknown,
  index: number,
  inclusion: InclusionProof,
  head: SignedHead,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<Verdict> {
  let leaf: string;
  try {
    leaf = await entryLeafHash(entry, subtle);
  } catch {
    return { ok: false, failure: 'entry' };
  }
  if (leaf !== inclusion.leafHash.toLowerCase()) return { ok: false, failure: 'entry' };
  const path = inclusion.proof.map(fromHex);
  if (path.some((p) => p === null)) return { ok: false, failure: 'proof' };
  const root = await rootFromProof(fromHex(leaf)!, index, head.treeSize, path as Uint8Array[], subtle);
  if (root === null || hex(root) !== head.rootHash) return { ok: false, failure: 'proof' };
  if (!(await verifyHead(head, subtle))) return { ok: false, failure: 'signature' };
  return { ok: true };
}

/** A short fingerprint of the head's key (SHA-256 of its raw bytes, hex) to compare with the node's. */
export async function keyFingerprint(
  head: Pick<SignedHead, 'publicKey'>,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<string> {
  const b64 = head.publicKey.x.replace(/-/g, '+').replace(/_/g, '/');
  const raw = fromBase64(b64 + '='.repeat((4 - (b64.length % 4)) % 4)) ?? new Uint8Array();
  const digest = new Uint8Array(await subtle.digest('SHA-256', raw));
  return (hex(digest).slice(0, 32).match(/.{4}/g) ?? []).join(' ');
}
