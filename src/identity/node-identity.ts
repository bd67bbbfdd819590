import { ReltoError } from '../errors/index.js';
import { generateEncryptionKeyPair, generateSigningKeyPair, type OkpKeyPair } from './keys.js';
import { type CertificateAuthority, createDemoCa, issueCertificate } from './tls.js';

/** The TLS side of a node: the CA it trusts and publishes, and its own server + client certificate. */
export interface NodeTls {
  /** The CA that issued the node's certificate; `keyPem` only when this node holds the CA (to issue TAK certs). */
  ca: { certPem: string; keyPem?: string };
  certPem: string;
  keyPem: string;
}

/** Everything secret and public a node needs to exchange (contracts §5, §9). */
export interface NodeIdentity {
  party: string;
  /** Ed25519: signs batches (as originator) and messages (as sender). */
  signing: OkpKeyPair;
  /** X25519: partners encrypt messages to it (JWE ECDH-ES+A256KW / A256GCM). */
  encryption: OkpKeyPair;
  tls: NodeTls;
}

export interface GenerateIdentityOptions {
  /** Issue the TLS certificate from this CA (the demo's shared CA); else the node makes its own CA. */
  ca?: CertificateAuthority;
  /** Keep an existing signing key (e.g. the one `relto node init` already wrote for audit heads). */
  signing?: OkpKeyPair;
  /** Extra SANs beside 127.0.0.1 and localhost. */
  sans?: string[];
}

const PARTY = /^[A-Z]{3}$/;

/**
 * A node's fresh identity: signing and encryption key pairs, and a TLS certificate for both server and
 * client roles (mutual TLS), subject O = the party, SAN 127.0.0.1 / localhost.
 */
export async function generateNodeIdentity(
  party: string,
  options: GenerateIdentityOptions = {},
): Promise<NodeIdentity> {
  if (!PARTY.test(party)) throw new ReltoError('INVALID_ARGUMENT', 'a party is an alpha-3 code', '/party');
  const ca = options.ca ?? (await createDemoCa({ commonName: `relto ${party} CA`, party }));
  const cert = await issueCertificate(ca, {
    commonName: `relto node ${party}`,
    party,
    kind: 'both',
    sans: ['127.0.0.1', 'localhost', ...(options.sans ?? [])],
  });
  return {
    party,
    signing: options.signing ?? generateSigningKeyPair(),
    encryption: generateEncryptionKeyPair(),
    // A shared CA's key stays with whoever made it; a node's own CA key stays with the node.
    tls: { ca: options.ca ? { certPem: ca.certPem } : ca, certPem: cert.certPem, keyPem: cert.keyPem },
  };
}
