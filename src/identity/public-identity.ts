import { createPublicKey, type JsonWebKey, X509Certificate } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { ReltoError } from '../errors/index.js';
import { compileChecker } from './check.js';
import type { NodeIdentity } from './node-identity.js';

const B64URL_32 = '^[A-Za-z0-9_-]{43}$';

/** An OKP public key as a JWK (RFC 8037) of one curve and use; a private part (`d`) is refused. */
function okpPublicJwk<C extends string, U extends string>(crv: C, use: U) {
  return Type.Object(
    {
      kty: Type.Literal('OKP'),
      crv: Type.Literal(crv),
      x: Type.String({ pattern: B64URL_32 }),
      use: Type.Optional(Type.Literal(use)),
      kid: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  );
}

/** An Ed25519 public key as a JWK, for JWS EdDSA. */
export const SigningJwk = okpPublicJwk('Ed25519', 'sig');
export type SigningJwk = Static<typeof SigningJwk>;

/** An X25519 public key as a JWK, for JWE ECDH-ES+A256KW. */
export const EncryptionJwk = okpPublicJwk('X25519', 'enc');
export type EncryptionJwk = Static<typeof EncryptionJwk>;

const PEM_CERT = '^-----BEGIN CERTIFICATE-----\\r?\\n[A-Za-z0-9+/=\\r\\n]+-----END CERTIFICATE-----\\r?\\n?$';

/** `relto node key`'s output and `relto partner add --key`'s input (contracts §5). */
export const PublicIdentity = Type.Object(
  {
    party: Type.String({ pattern: '^[A-Z]{3}$' }),
    signingKey: SigningJwk,
    encryptionKey: EncryptionJwk,
    tlsCa: Type.String({ pattern: PEM_CERT }),
  },
  { additionalProperties: false },
);
export type PublicIdentity = Static<typeof PublicIdentity>;

const check = compileChecker(PublicIdentity);

/** A node's public identity: what partners need to verify it, encrypt to it and accept its TLS peers. */
export function publicIdentity(identity: NodeIdentity): PublicIdentity {
  return {
    party: identity.party,
    signingKey: { kty: 'OKP', crv: 'Ed25519', x: identity.signing.publicJwk.x, use: 'sig' },
    encryptionKey: { kty: 'OKP', crv: 'X25519', x: identity.encryption.publicJwk.x, use: 'enc' },
    tlsCa: identity.tls.ca.certPem,
  };
}

/**
 * Validates a partner's public identity (JSON text or parsed). Throws MALFORMED_REQUEST naming the JSON
 * Pointer of the first problem; a private key or a certificate that does not parse is refused.
 */
export function parsePartnerIdentity(json: unknown): PublicIdentity {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new ReltoError('MALFORMED_REQUEST', `not JSON: ${(e as Error).message}`, '');
    }
  }
  const identity = check.assert(value);
  for (const key of ['signingKey', 'encryptionKey'] as const) {
    try {
      createPublicKey({ key: identity[key] as JsonWebKey, format: 'jwk' });
    } catch {
      throw new ReltoError('MALFORMED_REQUEST', `/${key}/x is not a valid public key`, `/${key}/x`);
    }
  }
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(identity.tlsCa);
  } catch {
    throw new ReltoError('MALFORMED_REQUEST', '/tlsCa is not a parseable X.509 certificate', '/tlsCa');
  }
  if (!ca.ca) throw new ReltoError('MALFORMED_REQUEST', '/tlsCa is not a CA certificate', '/tlsCa');
  return identity;
}
