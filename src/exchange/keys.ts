import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** A key as exchange functions take it: a node:crypto KeyObject or a JWK (public or private). */
export type ExchangeKey = KeyObject | JsonWebKey | { kty: string; crv: string; x: string; d?: string };

const cache = new WeakMap<object, KeyObject>();

function isKeyObject(k: ExchangeKey): k is KeyObject {
  return typeof (k as KeyObject).export === 'function' && typeof (k as KeyObject).type === 'string';
}

/**
 * The KeyObject of a key, made once per JWK object. jose caches its WebCrypto import per KeyObject, and
 * would otherwise freeze a caller's JWK object.
 */
export function toKeyObject(k: ExchangeKey): KeyObject {
  if (isKeyObject(k)) return k;
  let ko = cache.get(k);
  if (!ko) {
    const jwk = k as JsonWebKey;
    ko =
      typeof jwk.d === 'string'
        ? createPrivateKey({ key: jwk, format: 'jwk' })
        : createPublicKey({ key: jwk, format: 'jwk' });
    cache.set(k, ko);
  }
  return ko;
}
