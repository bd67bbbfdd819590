import { type Cipher, createCipheriv, createDecipheriv, hash, randomBytes } from 'node:crypto';
import { ReltoError } from '../errors/index.js';

/**
 * Data keys (R27): every item has its own AES-256 key, wrapped by the node key, so erasing one wrapped key
 * makes that item's ciphertext unreadable for good. Sealed form: nonce (12) ‖ ciphertext ‖ tag (16).
 */
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_AAD_PREFIX = 'relto data key\n';

// One CSPRNG call per 16 KiB instead of one per nonce or key: bulk posts seal thousands of objects at once.
// Every byte handed out is fresh (a used pool is dropped, never refilled in place).
const POOL_BYTES = 16 * 1024;
let pool = Buffer.alloc(0);
let poolAt = 0;

function random(n: number): Buffer {
  if (poolAt + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** A fresh random 256-bit data key (its own copy, not a view of the pool). */
export function newDataKey(): Uint8Array {
  return new Uint8Array(random(KEY_BYTES));
}

function checkKey(key: Uint8Array, what: string): void {
  if (key.length !== KEY_BYTES) throw new ReltoError('INTERNAL', `${what} must be ${KEY_BYTES} bytes`);
}

function toBytes(aad: Uint8Array | string): Uint8Array {
  return typeof aad === 'string' ? Buffer.from(aad, 'utf8') : aad;
}

/**
 * AES-256-GCM encryption of `plaintext` bound to `aad` (e.g. the item id and version). A list of strings is
 * sealed as their concatenation, without building it.
 */
export function seal(
  dataKey: Uint8Array,
  plaintext: Uint8Array | string | readonly string[],
  aad: Uint8Array | string,
): Buffer {
  checkKey(dataKey, 'a data key');
  const nonce = random(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(toBytes(aad));
  // Strings go to the cipher as UTF-8 directly (no intermediate Buffer); GCM adds no bytes at final().
  const parts: Buffer[] =
    typeof plaintext === 'string'
      ? [cipher.update(plaintext, 'utf8')]
      : plaintext instanceof Uint8Array
        ? [cipher.update(plaintext)]
        : plaintext.map((p) => cipher.update(p, 'utf8'));
  parts.push(cipher.final());
  let size = NONCE_BYTES + TAG_BYTES;
  for (const p of parts) size += p.length;
  // TypedArray.set, not Buffer.copy: the copies are small and Buffer.copy's checks cost more than them.
  const out = Buffer.allocUnsafe(size);
  out.set(nonce, 0);
  let at = NONCE_BYTES;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(cipher.getAuthTag(), at);
  return out;
}

/** Decrypts what `seal` made; throws (INTERNAL) if the key, the AAD or a single byte differs. */
export function open(dataKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array | string): Buffer {
  checkKey(dataKey, 'a data key');
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new ReltoError('INTERNAL', 'sealed data is too short');
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, buf.subarray(0, NONCE_BYTES));
  decipher.setAAD(toBytes(aad));
  decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(buf.subarray(NONCE_BYTES, buf.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new ReltoError('INTERNAL', 'stored data failed its integrity check (wrong key or altered bytes)');
  }
}

/*
 * Wrapping (R27): AES-256 key wrap (RFC 3394 / NIST SP 800-38F KW), bound to the item id through the
 * alternative initial value RFC 3394 §2.2.3.2 allows: the first 8 bytes of SHA-256("relto data key\n" ‖ id).
 * Unwrapping checks that value, so a wrapped key moved to another item, or altered, is refused. KW is made of
 * single-block AES operations, so a post's thousands of keys are wrapped together, each step one call into
 * the cipher for every key at once (one AES-GCM cipher set up per key cost more than the rest of the
 * wrapping). Keys wrapped earlier with AES-256-GCM (nonce ‖ ciphertext ‖ tag, 60 bytes) still unwrap.
 */
const KW_BLOCKS = KEY_BYTES / 8; // n = 4 64-bit blocks of key data
const KW_BYTES = 8 + KEY_BYTES;
const GCM_WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

function initialValue(itemId: string): Buffer {
  return hash('sha256', WRAP_AAD_PREFIX + itemId, 'buffer').subarray(0, 8);
}

/** One ECB pass over `blocks` (16-byte AES blocks side by side): every key's step of KW at once. */
function ecb(nodeKey: Uint8Array, decrypt: boolean): Cipher {
  const c = decrypt
    ? createDecipheriv('aes-256-ecb', nodeKey, null)
    : createCipheriv('aes-256-ecb', nodeKey, null);
  c.setAutoPadding(false);
  return c;
}

/**
 * A[k] ‖ R[k][i] of every key side by side, one 16-byte block each, for one ECB pass (`ri` = R[i]'s offset
 * in a key). Byte loops, not Buffer.copy: its per-call checks cost more than moving 8 bytes.
 */
function gather(blocks: Buffer, a: Buffer, r: Buffer, m: number, ri: number): void {
  for (let k = 0; k < m; k++) {
    const bo = 16 * k;
    const ao = 8 * k;
    const ro = KEY_BYTES * k + ri;
    for (let x = 0; x < 8; x++) {
      blocks[bo + x] = a[ao + x]!;
      blocks[bo + 8 + x] = r[ro + x]!;
    }
  }
}

/** The inverse of `gather`: each block's halves back into A[k] and R[k][i]. */
function scatter(blocks: Buffer, a: Buffer, r: Buffer, m: number, ri: number): void {
  for (let k = 0; k < m; k++) {
    const bo = 16 * k;
    const ao = 8 * k;
    const ro = KEY_BYTES * k + ri;
    for (let x = 0; x < 8; x++) {
      a[ao + x] = blocks[bo + x]!;
      r[ro + x] = blocks[bo + 8 + x]!;
    }
  }
}

/** A ^= t for each of m 64-bit values `stride` bytes apart: t is at most 24, so only A's last byte changes. */
function xorLastByte(buf: Buffer, stride: number, m: number, t: number): void {
  for (let k = 0; k < m; k++) buf[stride * k + 7] = buf[stride * k + 7]! ^ t;
}

/** Wraps data keys with the node key, each bound to its item id (RFC 3394 KW, all keys of a batch together). */
export function wrapMany(
  nodeKey: Uint8Array,
  keys: readonly { dataKey: Uint8Array; itemId: string }[],
): Buffer[] {
  checkKey(nodeKey, 'the node key');
  const m = keys.length;
  if (m === 0) return [];
  // A[k] ‖ R[k][1..n] for every key k, as RFC 3394 §2.2.1 names them.
  const a = Buffer.allocUnsafe(8 * m);
  const r = Buffer.allocUnsafe(KEY_BYTES * m);
  for (let k = 0; k < m; k++) {
    const { dataKey, itemId } = keys[k]!;
    checkKey(dataKey, 'a data key');
    initialValue(itemId).copy(a, 8 * k);
    r.set(dataKey, KEY_BYTES * k);
  }
  const cipher = ecb(nodeKey, false);
  const blocks = Buffer.allocUnsafe(16 * m);
  for (let j = 0; j <= 5; j++) {
    for (let i = 1; i <= KW_BLOCKS; i++) {
      const ri = 8 * (i - 1);
      gather(blocks, a, r, m, ri);
      scatter(cipher.update(blocks), a, r, m, ri);
      xorLastByte(a, 8, m, KW_BLOCKS * j + i);
    }
  }
  cipher.final();
  const out: Buffer[] = new Array(m);
  for (let k = 0; k < m; k++) {
    const w = Buffer.allocUnsafe(KW_BYTES);
    a.copy(w, 0, 8 * k, 8 * k + 8);
    r.copy(w, 8, KEY_BYTES * k, KEY_BYTES * (k + 1));
    out[k] = w;
  }
  return out;
}

/**
 * Unwraps what `wrapMany` (or `wrap`) made with the same node key and item ids, in order; throws (INTERNAL)
 * if any one of them is altered, moved to another item or wrapped under another key.
 */
export function unwrapMany(
  nodeKey: Uint8Array,
  wrapped: readonly { wrapped: Uint8Array; itemId: string }[],
): Uint8Array[] {
  checkKey(nodeKey, 'the node key');
  const out: Uint8Array[] = new Array(wrapped.length);
  const kw: number[] = [];
  for (let k = 0; k < wrapped.length; k++) {
    const w = wrapped[k]!;
    if (w.wrapped.length === KW_BYTES) kw.push(k);
    else if (w.wrapped.length === GCM_WRAPPED_BYTES) out[k] = unwrapGcm(nodeKey, w.wrapped, w.itemId);
    else throw new ReltoError('INTERNAL', 'a wrapped data key has the wrong length');
  }
  const m = kw.length;
  if (m === 0) return out;
  const a = Buffer.allocUnsafe(8 * m);
  const r = Buffer.allocUnsafe(KEY_BYTES * m);
  for (let k = 0; k < m; k++) {
    const w = wrapped[kw[k]!]!.wrapped;
    a.set(w.subarray(0, 8), 8 * k);
    r.set(w.subarray(8), KEY_BYTES * k);
  }
  const decipher = ecb(nodeKey, true);
  const blocks = Buffer.allocUnsafe(16 * m);
  for (let j = 5; j >= 0; j--) {
    for (let i = KW_BLOCKS; i >= 1; i--) {
      const ri = 8 * (i - 1);
      gather(blocks, a, r, m, ri);
      xorLastByte(blocks, 16, m, KW_BLOCKS * j + i);
      scatter(decipher.update(blocks), a, r, m, ri);
    }
  }
  decipher.final();
  for (let k = 0; k < m; k++) {
    const at = kw[k]!;
    if (!initialValue(wrapped[at]!.itemId).equals(a.subarray(8 * k, 8 * k + 8))) {
      throw new ReltoError(
        'INTERNAL',
        'a wrapped data key failed its integrity check (wrong key, item or bytes)',
      );
    }
    out[at] = new Uint8Array(r.subarray(KEY_BYTES * k, KEY_BYTES * (k + 1)));
  }
  return out;
}

/** Wraps one data key with the node key, bound to `itemId` so a wrapped key cannot be moved (see wrapMany). */
export function wrap(nodeKey: Uint8Array, dataKey: Uint8Array, itemId = ''): Buffer {
  checkKey(dataKey, 'a data key');
  return wrapMany(nodeKey, [{ dataKey, itemId }])[0]!;
}

/** Unwraps what `wrap` made with the same node key and item id. */
export function unwrap(nodeKey: Uint8Array, wrapped: Uint8Array, itemId = ''): Uint8Array {
  return unwrapMany(nodeKey, [{ wrapped, itemId }])[0]!;
}

/** Keys wrapped before KW: AES-256-GCM under the node key, the item id in the AAD. */
function unwrapGcm(nodeKey: Uint8Array, wrapped: Uint8Array, itemId: string): Uint8Array {
  const key = open(nodeKey, wrapped, WRAP_AAD_PREFIX + itemId);
  if (key.length !== KEY_BYTES)
    throw new ReltoError('INTERNAL', 'an unwrapped data key has the wrong length');
  return new Uint8Array(key);
}

/** The earlier wrapping (AES-256-GCM), kept so tests can make keys as stores written before KW hold them. */
export function wrapGcm(nodeKey: Uint8Array, dataKey: Uint8Array, itemId = ''): Buffer {
  checkKey(nodeKey, 'the node key');
  checkKey(dataKey, 'a data key');
  return seal(nodeKey, dataKey, WRAP_AAD_PREFIX + itemId);
}
