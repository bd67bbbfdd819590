import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  certificateFingerprint,
  certificateSubject,
  createDemoCa,
  type IssuedCertificate,
  issueCertificate,
  peerParty,
} from './index.js';

/** Outcome of one TLS connection attempt, seen from both ends. */
interface Handshake {
  clientOk: boolean;
  clientError?: string;
  serverSawParty?: string;
  serverSawAuthorized?: boolean;
  serverError?: string;
}

async function handshake(
  server: { ca: CertificateAuthority | CertificateAuthority[]; cert: IssuedCertificate },
  client: { ca: CertificateAuthority; cert: IssuedCertificate },
  trustedCas?: (party: string) => readonly string[] | undefined,
): Promise<Handshake> {
  const result: Handshake = { clientOk: false };
  const cas = Array.isArray(server.ca) ? server.ca : [server.ca];
  const srv = createServer({
    key: server.cert.keyPem,
    cert: server.cert.certPem,
    ca: cas.map((c) => c.certPem),
    requestCert: true,
    rejectUnauthorized: true,
  });
  const seen = new Promise<void>((resolve) => {
    srv.on('secureConnection', (socket: TLSSocket) => {
      result.serverSawAuthorized = socket.authorized;
      result.serverSawParty = peerParty(socket.getPeerCertificate(true), trustedCas);
      socket.end('hello');
      resolve();
    });
    srv.on('tlsClientError', (e) => {
      result.serverError = e.message;
      resolve();
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  const socket = connect({
    host: '127.0.0.1',
    port,
    ca: client.ca.certPem,
    cert: client.cert.certPem,
    key: client.cert.keyPem,
    servername: 'localhost',
  });
  await new Promise<void>((resolve) => {
    socket.on('data', () => {
      result.clientOk = socket.authorized;
      socket.end();
      resolve();
    });
    socket.on('error', (e) => {
      result.clientError = e.message;
      resolve();
    });
    socket.on('close', () => resolve());
  });
  await seen;
  socket.destroy();
  srv.close();
  return result;
}

describe('demo CA and node certificates (mutual TLS, contracts §9)', () => {
  let ca: CertificateAuthority;
  let otherCa: CertificateAuthority;
  let kor: IssuedCertificate;
  let jpn: IssuedCertificate;
  let rogue: IssuedCertificate;

  beforeAll(async () => {
    ca = await createDemoCa();
    otherCa = await createDemoCa({ commonName: 'someone else CA' });
    kor = await issueCertificate(ca, { commonName: 'relto node KOR', party: 'KOR', kind: 'both' });
    jpn = await issueCertificate(ca, { commonName: 'relto node JPN', party: 'JPN', kind: 'both' });
    rogue = await issueCertificate(otherCa, { commonName: 'relto node JPN', party: 'JPN', kind: 'both' });
  });

  it('puts the party in the subject O and the node name in CN', () => {
    expect(certificateSubject(kor.certPem)).toEqual({ commonName: 'relto node KOR', party: 'KOR' });
    expect(certificateSubject(ca.certPem).commonName).toBe('relto demo CA');
  });

  it('completes a mutual-TLS handshake on 127.0.0.1 and the server reads the client party', async () => {
    const r = await handshake({ ca, cert: kor }, { ca, cert: jpn });
    expect(r.serverError).toBeUndefined();
    expect(r.clientError).toBeUndefined();
    expect(r.clientOk).toBe(true);
    expect(r.serverSawAuthorized).toBe(true);
    expect(r.serverSawParty).toBe('JPN');
  });

  it('refuses a client certificate issued by another CA', async () => {
    const r = await handshake({ ca, cert: kor }, { ca, cert: rogue });
    expect(r.clientOk).toBe(false);
    expect(r.serverSawParty).toBeUndefined();
    expect(r.serverError ?? r.clientError).toBeTruthy();
  });

  it('refuses a server whose certificate comes from a CA the client does not trust', async () => {
    const r = await handshake({ ca, cert: rogue }, { ca, cert: kor });
    expect(r.clientOk).toBe(false);
    expect(r.clientError).toMatch(/certificate/i);
  });

  it('with pinned CAs per party, a trusted CA cannot vouch for a party it does not belong to', async () => {
    // Both CAs are trusted by TLS, but JPN's certificates must come from JPN's CA only.
    const pins = (party: string) =>
      party === 'JPN' ? [certificateFingerprint(otherCa.certPem)] : [certificateFingerprint(ca.certPem)];
    const fromWrongCa = await handshake({ ca: [ca, otherCa], cert: kor }, { ca, cert: jpn }, pins);
    expect(fromWrongCa.serverSawAuthorized).toBe(true);
    expect(fromWrongCa.serverSawParty).toBeUndefined();
    const fromRightCa = await handshake({ ca: [ca, otherCa], cert: kor }, { ca, cert: rogue }, pins);
    expect(fromRightCa.serverSawParty).toBe('JPN');
  });

  it('a client-only certificate (TAK user) is accepted as a client but cannot serve', async () => {
    const tak = await issueCertificate(ca, { commonName: 'watch-1', kind: 'client' });
    expect(certificateSubject(tak.certPem)).toEqual({ commonName: 'watch-1' });
    const asClient = await handshake({ ca, cert: kor }, { ca, cert: tak });
    expect(asClient.clientOk).toBe(true);
    expect(asClient.serverSawParty).toBeUndefined(); // no O: not a node
    const asServer = await handshake({ ca, cert: tak }, { ca, cert: kor });
    expect(asServer.clientOk).toBe(false);
  });

  it('refuses a common name that would need escaping in a DN', async () => {
    await expect(issueCertificate(ca, { commonName: 'a,O=KOR', kind: 'client' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      path: '/commonName',
    });
  });
});
