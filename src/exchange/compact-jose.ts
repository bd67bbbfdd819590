import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

/**
 * The two JOSE forms relto speaks, on node:crypto alone: compact JWS with EdDSA (Ed25519, RFC 8037) and
 * compact JWE with ECDH-ES+A256KW / A256GCM on X25519 (RFC 7516, RFC 7518 §4.6, §5.3). Nothing else is
 * produced or accepted. Why not jose for these: jose 6 on Node 20 base64-encodes through btoa/atob and
 * WebCrypto round trips, which made a 400 KB message cost ~5× what Buffer and node:crypto cost. jose stays
 * the reference: the tests check both directions against it.
 */

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url (no padding, no stray characters); undefined when malformed. */
export function fromB64url(s: string): Buffer | undefined {
  if (typeof s !== 'string' || s.length % 4 === 1) return undefined;
  // A regex over a 500 KB ciphertext costs more than decoding it. Node's decoder skips characters outside
  // the alphabet (so the length shows them) but takes '+' and '/' too: exclude those first.
  if (s.length <= 512 ? !B64URL.test(s) : s.includes('+') || s.includes('/')) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  return bytes.length === Math.floor((s.length * 3) / 4) ? bytes : undefined;
}

const b64url = (b: Uint8Array | string): string =>
  (typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.length)).toString(
    'base64url',
  );

function jsonHeader(part: string): Record<string, unknown> | undefined {
  const bytes = fromB64url(part);
  if (!bytes) return undefined;
  try {
    const h = JSON.parse(bytes.toString('utf8'));
    return typeof h === 'object' && h !== null && !Array.isArray(h) ? h : undefined;
  } catch {
    return undefined;
  }
}

// ---- JWS (EdDSA) --------------------------------------------------------------------------------------

export type JwsHeader = { alg: 'EdDSA' } & Record<string, unknown>;

/** A compact JWS over `payload` with an Ed25519 private key. */
export function signJws(payload: Uint8Array, header: JwsHeader, privateKey: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
  return `${input}.${sign(null, Buffer.from(input, 'ascii'), privateKey).toString('base64url')}`;
}

/** A compact JWS with a detached payload (`header..signature`, RFC 7515 Appendix F). */
export function signDetachedJws(payload: Uint8Array, header: JwsHeader, privateKey: KeyObject): string {
  const [h, , s] = signJws(payload, header, privateKey).split('.');
  return `${h}..${s}`;
}

/** The unverified protected header of a compact JWS or JWE (to find the key), or undefined. */
export function peekHeader(compact: string): Record<string, unknown> | undefined {
  if (typeof compact !== 'string') return undefined;
  const dot = compact.indexOf('.');
  return dot < 0 ? undefined : jsonHeader(compact.slice(0, dot));
}

/**
 * Verifies a compact JWS (EdDSA only; `crit` and `b64` refused); returns its header and payload, or
 * undefined. With `detachedPayload`, the JWS must have an empty payload part and is checked over it.
 */
export function verifyJws(
  jws: string,
  publicKey: KeyObject,
  detachedPayload?: Uint8Array,
): { header: Record<string, unknown>; payload: Buffer } | undefined {
  if (typeof jws !== 'string') return undefined;
  const parts = jws.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts;
  const header = jsonHeader(h);
  if (header?.alg !== 'EdDSA' || header.crit !== undefined || header.b64 !== undefined) return undefined;
  const signature = fromB64url(s);
  if (signature?.length !== 64) return undefined;
  let payload: Buffer | undefined;
  let payloadPart = p;
  if (detachedPayload) {
    if (p !== '') return undefined;
    payload = Buffer.from(detachedPayload);
    payloadPart = b64url(payload);
  } else {
    payload = fromB64url(p);
    if (!payload) return undefined;
  }
  try {
    const ok = verify(null, Buffer.from(`${h}.${payloadPart}`, 'ascii'), publicKey, signature);
    return ok ? { header, payload } : undefined;
  } catch {
    return undefined;
  }
}

// ---- JWE (ECDH-ES+A256KW / A256GCM, X25519) -----------------------------------------------------------

const ALG = 'ECDH-ES+A256KW';
const ENC = 'A256GCM';
const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function lengthPrefixed(b: Buffer): Buffer {
  return Buffer.concat([u32(b.length), b]);
}

/** Concat KDF of RFC 7518 §4.6.2 for a 256-bit key-wrapping key (one SHA-256 round suffices). */
function concatKdf(z: Buffer, apu: Buffer, apv: Buffer): Buffer {
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(ALG, 'ascii')),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    u32(256),
  ]);
  return createHash('sha256').update(u32(1)).update(z).update(otherInfo).digest();
}

function x25519(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const z = diffieHellman({ privateKey, publicKey });
  // RFC 7748 §6.1: an all-zero secret means a small-order public key; refuse it.
  if (z.every((byte) => byte === 0)) throw new Error('X25519 produced the all-zero secret');
  return z;
}

/** A compact JWE of `plaintext` to an X25519 public key; `extra` joins the protected header (e.g. kid). */
export function encryptJwe(
  plaintext: Uint8Array,
  recipientPublicKey: KeyObject,
  extra: Record<string, unknown> = {},
): string {
  const ephemeral = generateKeyPairSync('x25519');
  const epk = ephemeral.publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const header = { alg: ALG, enc: ENC, ...extra, epk: { crv: 'X25519', kty: 'OKP', x: epk.x } };
  const kek = concatKdf(x25519(ephemeral.privateKey, recipientPublicKey), Buffer.alloc(0), Buffer.alloc(0));
  const cek = randomBytes(32);
  const wrap = createCipheriv('id-aes256-wrap', kek, AES_KW_IV);
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);
  const protectedHeader = b64url(JSON.stringify(header));
  const iv = randomBytes(12);
  const gcm = createCipheriv('aes-256-gcm', cek, iv);
  gcm.setAAD(Buffer.from(protectedHeader, 'ascii'));
  const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final()]);
  return [
    protectedHeader,
    b64url(encryptedKey),
    b64url(iv),
    b64url(ciphertext),
    b64url(gcm.getAuthTag()),
  ].join('.');
}

/**
 * Decrypts a compact JWE made to this X25519 private key; throws (with the reason) on anything but
 * ECDH-ES+A256KW / A256GCM, on a bad key or on a single altered byte.
 */
export function decryptJwe(
  jwe: string,
  privateKey: KeyObject,
): { header: Record<string, unknown>; plaintext: Buffer } {
  const parts = typeof jwe === 'string' ? jwe.split('.') : [];
  if (parts.length !== 5) throw new Error('not a compact JWE');
  const [h, k, i, c, t] = parts;
  const header = jsonHeader(h);
  if (!header) throw new Error('the protected header is not base64url JSON');
  if (header.alg !== ALG || header.enc !== ENC) throw new Error(`only ${ALG} / ${ENC} are accepted`);
  if (header.zip !== undefined || header.crit !== undefined) throw new Error('zip and crit are not accepted');
  const epk = header.epk as Record<string, unknown> | undefined;
  if (epk?.kty !== 'OKP' || epk.crv !== 'X25519' || typeof epk.x !== 'string' || epk.d !== undefined) {
    throw new Error('epk must be a public X25519 JWK');
  }
  const apu = header.apu === undefined ? Buffer.alloc(0) : fromB64url(String(header.apu));
  const apv = header.apv === undefined ? Buffer.alloc(0) : fromB64url(String(header.apv));
  const encryptedKey = fromB64url(k);
  const iv = fromB64url(i);
  const ciphertext = fromB64url(c);
  const tag = fromB64url(t);
  if (!apu || !apv || !encryptedKey || !iv || !ciphertext || !tag) throw new Error('a part is not base64url');
  if (encryptedKey.length !== 40 || iv.length !== 12 || tag.length !== 16)
    throw new Error('wrong part lengths');
  const ephemeral = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: epk.x }, format: 'jwk' });
  const kek = concatKdf(x25519(privateKey, ephemeral), apu, apv);
  const unwrap = createDecipheriv('id-aes256-wrap', kek, AES_KW_IV);
  const cek = Buffer.concat([unwrap.update(encryptedKey), unwrap.final()]);
  const gcm = createDecipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
  gcm.setAAD(Buffer.from(h, 'ascii'));
  gcm.setAuthTag(tag);
  const plaintext = Buffer.concat([gcm.update(ciphertext), gcm.final()]);
  return { header, plaintext };
}
