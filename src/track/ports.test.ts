import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCa, type IssuedCertificate, issueCertificate } from '../identity/index.js';
import type { Person } from '../node/index.js';
import { openPorts, type TrackPorts } from './ports.js';

/** The ports alone: what each connection is taken for, with the intake and fan-out replaced by records. */
describe('track ports (sensor input, mutual TLS)', () => {
  let ports: TrackPorts;
  let ca: { certPem: string; keyPem: string };
  let watch: IssuedCertificate;
  let stranger: IssuedCertificate;
  let jpnPerson: IssuedCertificate;
  const read: { from: string | null; bytes: string }[] = [];
  const clients: string[] = [];

  beforeAll(async () => {
    ca = await createDemoCa();
    const node = await issueCertificate(ca, { commonName: 'relto node KOR', party: 'KOR', kind: 'both' });
    watch = await issueCertificate(ca, { commonName: 'watch', kind: 'client' });
    stranger = await issueCertificate(ca, { commonName: 'nobody', kind: 'client' });
    jpnPerson = await issueCertificate(ca, { commonName: 'watch', party: 'JPN', kind: 'client' });
    ports = await openPorts({
      self: 'KOR',
      cotTls: 0,
      cotTcp: 0,
      tls: { ca: [ca.certPem], cert: node.certPem, key: node.keyPem },
      partners: new Set(['JPN']),
      log: pino({ level: 'silent' }),
      reader: (from, reply) => (chunk) => {
        read.push({ from: from(), bytes: chunk.toString() });
        reply('pong');
      },
      refreshPerson: async (p) =>
        p.name === 'watch'
          ? ({ ...p, id: 'watch', party: 'KOR', clearance: 'I', roles: [], version: 1 } as Person)
          : null,
      addClient: (_socket, person) => {
        clients.push(person.name);
        return () => {};
      },
    });
  });

  afterAll(async () => {
    await ports?.close();
  });

  const tls = (cert: IssuedCertificate) =>
    new Promise<{ closed: Promise<void>; write(s: string): void; got: Promise<string> }>(
      (resolve, reject) => {
        const s = tlsConnect({
          host: '127.0.0.1',
          port: ports.cotTlsPort!,
          ca: ca.certPem,
          cert: cert.certPem,
          key: cert.keyPem,
          servername: 'localhost',
        });
        const closed = new Promise<void>((r) => s.on('close', () => r()));
        const got = new Promise<string>((r) => s.once('data', (b: Buffer) => r(b.toString())));
        s.on('error', () => {});
        s.once('secureConnect', () => resolve({ closed, write: (x) => s.write(x), got }));
        s.once('error', reject);
      },
    );

  it('hands the sensor input’s bytes to the intake as the sensor’s, and its replies back to the sensor', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const s = netConnect({ host: '127.0.0.1', port: ports.cotTcpPort! }, () => s.write('<event/>'));
      s.once('data', (b) => {
        resolve(b.toString());
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(reply).toBe('pong');
    expect(read).toContainEqual({ from: 'sensor', bytes: '<event/>' });
  });

  it('takes a certificate naming a user of the node for a TAK client, and closes one naming nobody or another party’s person', async () => {
    const c = await tls(watch);
    c.write('<ping/>');
    expect(await c.got).toBe('pong');
    expect(clients).toEqual(['watch']);
    expect(read).toContainEqual({ from: null, bytes: '<ping/>' });
    for (const cert of [stranger, jpnPerson]) {
      const refused = await tls(cert);
      await refused.closed;
    }
    expect(clients).toEqual(['watch']);
  });
});
