import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReltoError } from '../errors/index.js';
import { keyPairFromPrivate } from './keys.js';
import { type GenerateIdentityOptions, generateNodeIdentity, type NodeIdentity } from './node-identity.js';
import type { CertificateAuthority } from './tls.js';

/**
 * A node identity on disk, beside what `relto node init` writes (DIR/keys/signing.jwk is the same file):
 *   DIR/keys/signing.jwk     Ed25519 private JWK
 *   DIR/keys/encryption.jwk  X25519 private JWK
 *   DIR/keys/tls.crt, tls.key  the node's certificate and key
 *   DIR/keys/ca.crt [, ca.key] the CA it publishes (its key only when the node holds the CA)
 * Every file mode 0600, the folder 0700. The party is the caller's (node.json holds it).
 */
export const IDENTITY_FILES = {
  signing: 'signing.jwk',
  encryption: 'encryption.jwk',
  tlsCert: 'tls.crt',
  tlsKey: 'tls.key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
} as const;

const FILE_MODE = 0o600;

function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

function writeFile(path: string, data: string): void {
  if (existsSync(path)) {
    // Same content is fine (idempotent save); anything else would silently replace a key.
    if (readFileSync(path, 'utf8') === data) return;
    throw new ReltoError('CONFLICT', `${path} exists with other content; refusing to replace a key`, '/data');
  }
  writeFileSync(path, data, { mode: FILE_MODE, flag: 'wx' });
  chmodSync(path, FILE_MODE);
}

function jwkText(jwk: object): string {
  return JSON.stringify(jwk);
}

/**
 * Writes a node identity into DIR/keys (0600); refuses to replace a file holding something else. With
 * `keepSigningFile`, an existing signing.jwk (node init's, same key) is left as it is.
 */
export function saveIdentity(
  dataDir: string,
  identity: NodeIdentity,
  options: { keepSigningFile?: boolean } = {},
): void {
  const dir = keysDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const f = IDENTITY_FILES;
  const signingPath = join(dir, f.signing);
  if (!(options.keepSigningFile && existsSync(signingPath))) {
    writeFile(signingPath, jwkText(identity.signing.privateJwk));
  }
  writeFile(join(dir, f.encryption), jwkText(identity.encryption.privateJwk));
  writeFile(join(dir, f.tlsCert), identity.tls.certPem);
  writeFile(join(dir, f.tlsKey), identity.tls.keyPem);
  writeFile(join(dir, f.caCert), identity.tls.ca.certPem);
  if (identity.tls.ca.keyPem !== undefined) writeFile(join(dir, f.caKey), identity.tls.ca.keyPem);
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReltoError('NODE_NOT_INITIALISED', `cannot read ${path}: ${(e as Error).message}`, '/data');
  }
}

function readJwk(path: string): Record<string, unknown> {
  try {
    return JSON.parse(read(path)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ReltoError) throw e;
    throw new ReltoError('NODE_NOT_INITIALISED', `${path} is not a JWK`, '/data');
  }
}

/** Reads a node identity written by `saveIdentity`. */
export function loadIdentity(dataDir: string, party: string): NodeIdentity {
  const dir = keysDir(dataDir);
  const f = IDENTITY_FILES;
  const caKeyPath = join(dir, f.caKey);
  return {
    party,
    signing: keyPairFromPrivate(readJwk(join(dir, f.signing)), 'sig'),
    encryption: keyPairFromPrivate(readJwk(join(dir, f.encryption)), 'enc'),
    tls: {
      ca: {
        certPem: read(join(dir, f.caCert)),
        ...(existsSync(caKeyPath) ? { keyPem: read(caKeyPath) } : {}),
      },
      certPem: read(join(dir, f.tlsCert)),
      keyPem: read(join(dir, f.tlsKey)),
    },
  };
}

/** True when DIR/keys holds a complete identity (a signing key alone, as node init writes, is not one). */
export function hasIdentity(dataDir: string): boolean {
  const dir = keysDir(dataDir);
  const f = IDENTITY_FILES;
  return [f.signing, f.encryption, f.tlsCert, f.tlsKey, f.caCert].every((n) => existsSync(join(dir, n)));
}

/**
 * Loads the node's identity, making what is missing at first start: keeps an existing signing key (node
 * init's), generates the encryption key and TLS certificate (from `ca`, else the node's own new CA).
 */
export async function ensureIdentity(
  dataDir: string,
  party: string,
  options: { ca?: CertificateAuthority; sans?: string[] } = {},
): Promise<NodeIdentity> {
  if (hasIdentity(dataDir)) return loadIdentity(dataDir, party);
  const signingPath = join(keysDir(dataDir), IDENTITY_FILES.signing);
  const generate: GenerateIdentityOptions = { ...options };
  if (existsSync(signingPath)) generate.signing = keyPairFromPrivate(readJwk(signingPath), 'sig');
  const identity = await generateNodeIdentity(party, generate);
  // node init wrote the signing key in node:crypto's JWK form: the same key, so that file stays as it is.
  saveIdentity(dataDir, identity, { keepSigningFile: true });
  return identity;
}
