import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { ReltoError } from '../errors/index.js';

/**
 * A node's two JOSE keys. Signing: Ed25519 (JWS `EdDSA`). Encryption: X25519 for JWE `ECDH-ES+A256KW`
 * (RFC 8037). jose 6 accepts both on Node 20's WebCrypto, from JWKs or KeyObjects; X25519 keeps both keys
 * in the OKP family and its public JWK is one coordinate.
 */

/** A public OKP JWK as relto publishes it: no private part, `use` stated. */
export interface PublicOkpJwk {
  kty: 'OKP';
  crv: 'Ed25519' | 'X25519';
  x: string;
  use?: 'sig' | 'enc';
  kid?: string;
}

/** A private OKP JWK (the public part plus `d`). */
export interface PrivateOkpJwk extends PublicOkpJwk {
  d: string;
}

export interface OkpKeyPair {
  privateJwk: PrivateOkpJwk;
  publicJwk: PublicOkpJwk;
}

function pair(type: 'ed25519' | 'x25519', use: 'sig' | 'enc'): OkpKeyPair {
  const { privateKey } = generateKeyPairSync(type as 'ed25519');
  return keyPairFromPrivate(privateKey.export({ format: 'jwk' }), use);
}

/** A fresh Ed25519 signing key pair as JWKs. */
export function generateSigningKeyPair(): OkpKeyPair {
  return pair('ed25519', 'sig');
}

/** A fresh X25519 key-agreement pair as JWKs (JWE ECDH-ES+A256KW). */
export function generateEncryptionKeyPair(): OkpKeyPair {
  return pair('x25519', 'enc');
}

/** The public half of a private OKP JWK, with `use`; refuses anything but Ed25519 / X25519 private keys. */
export function keyPairFromPrivate(jwk: JsonWebKey | PrivateOkpJwk, use: 'sig' | 'enc'): OkpKeyPair {
  const crv = use === 'sig' ? 'Ed25519' : 'X25519';
  if (jwk.kty !== 'OKP' || jwk.crv !== crv || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new ReltoError('INVALID_ARGUMENT', `expected a private ${crv} JWK`);
  }
  // Recompute x from d: a file whose halves do not belong together is refused here, not at first use.
  const publicKey = createPublicKey(createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }));
  const x = (publicKey.export({ format: 'jwk' }) as JsonWebKey).x as string;
  if (x !== jwk.x) throw new ReltoError('INVALID_ARGUMENT', `the ${crv} JWK's x does not match its d`);
  return {
    privateJwk: { kty: 'OKP', crv, x, d: jwk.d, use },
    publicJwk: { kty: 'OKP', crv, x, use },
  };
}

/** A KeyObject for a JWK (private when it has `d`). node:crypto and jose both take KeyObjects. */
export function keyObject(jwk: PublicOkpJwk | PrivateOkpJwk): KeyObject {
  return 'd' in jwk && typeof jwk.d === 'string'
    ? createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' })
    : createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
}
