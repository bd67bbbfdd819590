import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

/** AES-256-GCM encryption of `plaintext` bound to `aad` (e.g. the item id and version). */
export function seal(dataKey: Uint8Array, plaintext: Uint8Array | string, aad: Uint8Array | string): Buffer {
  checkKey(dataKey, 'a data key');
  const nonce = random(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(toBytes(aad));
  // Strings go to the cipher as UTF-8 directly (no intermediate Buffer); GCM adds no bytes at final().
  const body = typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext);
  const final = cipher.final();
  const out = Buffer.allocUnsafe(NONCE_BYTES + body.length + final.length + TAG_BYTES);
  nonce.copy(out, 0);
  body.copy(out, NONCE_BYTES);
  final.copy(out, NONCE_BYTES + body.length);
  cipher.getAuthTag().copy(out, NONCE_BYTES + body.length + final.length);
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

/** Wraps a data key with the node key (AES-256-GCM), bound to `itemId` so a wrapped key cannot be moved. */
export function wrap(nodeKey: Uint8Array, dataKey: Uint8Array, itemId = ''): Buffer {
  checkKey(nodeKey, 'the node key');
  checkKey(dataKey, 'a data key');
  return seal(nodeKey, dataKey, WRAP_AAD_PREFIX + itemId);
}

/** Unwraps what `wrap` made with the same node key and item id. */
export function unwrap(nodeKey: Uint8Array, wrapped: Uint8Array, itemId = ''): Uint8Array {
  checkKey(nodeKey, 'the node key');
  const key = open(nodeKey, wrapped, WRAP_AAD_PREFIX + itemId);
  if (key.length !== KEY_BYTES)
    throw new ReltoError('INTERNAL', 'an unwrapped data key has the wrong length');
  return new Uint8Array(key);
}
