import { createHash, X509Certificate as NodeX509, webcrypto } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import './reflect-shim.js';
import * as x509 from '@peculiar/x509';
import { ReltoError } from '../errors/index.js';

// @peculiar/x509 signs through WebCrypto; node's implementation is the one to use (no polyfill). Its `Crypto`
// is the DOM's type, which this project does not load: the cast fits its one-argument `set` either way.
x509.cryptoProvider.set(webcrypto as never);

/**
 * TLS identities for mutual TLS between nodes and for TAK clients (contracts §7, §9). Keys are ECDSA P-256:
 * what every TLS stack, TAK Server and ATAK accept. The party code sits in the subject's O, so a server reads
 * the peer's party from the certificate it verified.
 */

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
const PARTY = /^[A-Z]{3}$/;
// A common name travels in a DN: keep it to characters that need no escaping in any DN syntax.
const COMMON_NAME = /^[A-Za-z0-9 ._@-]{1,64}$/;

/** A certificate authority: its certificate and private key (PEM). The key never leaves the node's folder. */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

/** A certificate and its private key (PEM, PKCS#8). */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export type CertificateKind = 'server' | 'client' | 'both';

export interface IssueOptions {
  commonName: string;
  /** The party whose node or person holds the certificate (subject O). */
  party?: string;
  kind: CertificateKind;
  /** Subject alternative names: IP addresses and DNS names (default 127.0.0.1 and localhost for servers). */
  sans?: string[];
  /** Validity in days (default 825, the longest browsers accept for a server certificate). */
  days?: number;
  /** The start of validity (default now less one hour, so a slightly slow peer clock still accepts it). */
  notBefore?: Date;
}

export interface CaOptions {
  commonName?: string;
  party?: string;
  days?: number;
  notBefore?: Date;
}

function pem(tag: 'PRIVATE KEY', der: ArrayBuffer): string {
  return `${x509.PemConverter.encode(der, tag)}\n`;
}

function dn(commonName: string, party: string | undefined): x509.JsonName {
  if (!COMMON_NAME.test(commonName)) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      'a common name is 1–64 letters, digits, spaces or ._@-',
      '/commonName',
    );
  }
  if (party !== undefined && !PARTY.test(party)) {
    throw new ReltoError('INVALID_ARGUMENT', 'a party is an ISO 3166-1 alpha-3 code', '/party');
  }
  const name: x509.JsonName = [{ CN: [commonName] }];
  if (party !== undefined) name.push({ O: [party] });
  return name;
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key));
}

async function importKey(keyPemText: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(keyPemText);
  return webcrypto.subtle.importKey('pkcs8', der, EC, false, ['sign']);
}

function validity(notBefore: Date | undefined, days: number): { notBefore: Date; notAfter: Date } {
  const start = notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  return { notBefore: start, notAfter: new Date(start.getTime() + days * DAY_MS) };
}

/** A fresh self-signed demo CA (ECDSA P-256, 10 years). Generated at first start; never committed. */
export async function createDemoCa(options: CaOptions = {}): Promise<CertificateAuthority> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: dn(options.commonName ?? 'relto demo CA', options.party),
    keys,
    signingAlgorithm: SIGNING,
    ...validity(options.notBefore, options.days ?? 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function sanNames(sans: readonly string[]): x509.JsonGeneralName[] {
  return sans.map((s) =>
    IPV4.test(s) || s.includes(':') ? { type: 'ip', value: s } : { type: 'dns', value: s },
  );
}

/**
 * Issues a certificate signed by `ca`: a node's server and client certificate (`both`), or a TAK client's
 * (`client`, CN = the user or device). Extended key usage names exactly the roles asked for, so a client
 * certificate cannot serve and vice versa.
 */
export async function issueCertificate(
  ca: CertificateAuthority,
  options: IssueOptions,
): Promise<IssuedCertificate> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importKey(ca.keyPem);
  const keys = await newKeyPair();
  const usages: string[] = [];
  if (options.kind !== 'client') usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (options.kind !== 'server') usages.push(x509.ExtendedKeyUsage.clientAuth);
  const sans = options.sans ?? (options.kind === 'client' ? [] : ['127.0.0.1', 'localhost']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sanNames(sans), false));
  const cert = await x509.X509CertificateGenerator.create({
    subject: dn(options.commonName, options.party),
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: SIGNING,
    ...validity(options.notBefore, options.days ?? 825),
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** SHA-256 fingerprint of a PEM certificate's DER, lowercase hex: how a partner's CA is pinned. */
export function certificateFingerprint(certPem: string): string {
  const der = new NodeX509(certPem).raw;
  return createHash('sha256').update(der).digest('hex');
}

/** The subject O (party code) and CN of a PEM certificate. */
export function certificateSubject(certPem: string): { commonName?: string; party?: string } {
  const cert = new x509.X509Certificate(certPem);
  const cn = cert.subjectName.getField('CN')[0];
  const o = cert.subjectName.getField('O')[0];
  return { ...(cn !== undefined ? { commonName: cn } : {}), ...(o !== undefined ? { party: o } : {}) };
}

/**
 * The party of a peer whose certificate TLS has already verified (`socket.getPeerCertificate(true)`):
 * its subject O. With `trustedCas` (party → fingerprints of the CAs that party's certificates may come
 * from), the issuer must be one of them, so one partner's CA cannot vouch for another party. Undefined when
 * the certificate names no party or comes from the wrong CA.
 */
export function peerParty(
  cert: PeerCertificate | undefined,
  trustedCas?: (party: string) => readonly string[] | undefined,
): string | undefined {
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const o = cert.subject?.O;
  const party = Array.isArray(o) ? undefined : o;
  if (party === undefined || !PARTY.test(party)) return undefined;
  if (trustedCas) {
    const issuer = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate;
    if (!issuer?.raw) return undefined;
    const fp = createHash('sha256').update(issuer.raw).digest('hex');
    if (!(trustedCas(party) ?? []).includes(fp)) return undefined;
  }
  return party;
}
