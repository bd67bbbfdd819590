import { createHash, createPrivateKey, type JsonWebKey } from 'node:crypto';
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  keyPairFromPrivate,
  type OkpKeyPair,
} from '../../identity/index.js';
import type { ExchangeKey } from '../keys.js';

/** The exchange keys of a test node. */
export interface TestNode {
  party: string;
  signing: OkpKeyPair;
  encryption: OkpKeyPair;
}

export function testNode(party: string): TestNode {
  return { party, signing: generateSigningKeyPair(), encryption: generateEncryptionKeyPair() };
}

// PKCS#8 DER prefixes of a raw 32-byte Ed25519 / X25519 private key (RFC 8410).
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * A node whose keys derive from a public seed: for golden fixtures only (Ed25519 signatures are
 * deterministic, so regenerated fixtures must equal the committed ones). Never a real node's keys.
 */
export function seededTestNode(party: string): TestNode {
  const seed = (what: string) =>
    createHash('sha256').update(`relto exchange fixture ${what} ${party}`).digest();
  const key = (prefix: Buffer, what: string) =>
    createPrivateKey({ key: Buffer.concat([prefix, seed(what)]), format: 'der', type: 'pkcs8' }).export({
      format: 'jwk',
    }) as JsonWebKey;
  return {
    party,
    signing: keyPairFromPrivate(key(ED25519_PKCS8, 'signing'), 'sig'),
    encryption: keyPairFromPrivate(key(X25519_PKCS8, 'encryption'), 'enc'),
  };
}

/** The public signing key of each node, as a node's partner list answers. */
export function directory(...nodes: TestNode[]): (party: string) => ExchangeKey | undefined {
  const map = new Map(nodes.map((n) => [n.party, n.signing.publicJwk]));
  return (party) => map.get(party);
}
