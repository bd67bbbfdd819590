import { sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  certificateSubject,
  createDemoCa,
  ensureIdentity,
  generateNodeIdentity,
  hasIdentity,
  IDENTITY_FILES,
  keyObject,
  keyPairFromPrivate,
  loadIdentity,
  type NodeIdentity,
  parsePartnerIdentity,
  publicIdentity,
  saveIdentity,
} from './index.js';

let kor: NodeIdentity;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'relto-identity-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  kor = await generateNodeIdentity('KOR');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('node identity (contracts §5)', () => {
  it('signs with Ed25519 and the public JWK verifies', () => {
    const data = Buffer.from('relto');
    const sig = sign(null, data, keyObject(kor.signing.privateJwk));
    expect(verify(null, data, keyObject(kor.signing.publicJwk), sig)).toBe(true);
    expect(kor.signing.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig' });
    expect('d' in kor.signing.publicJwk).toBe(false);
  });

  it('decrypts a JWE ECDH-ES+A256KW / A256GCM made to its X25519 public JWK', async () => {
    const jwe = await new CompactEncrypt(Buffer.from('secret'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
      .encrypt(kor.encryption.publicJwk);
    const { plaintext } = await compactDecrypt(jwe, kor.encryption.privateJwk);
    expect(Buffer.from(plaintext).toString()).toBe('secret');
  });

  it('has its own CA when none is given, and a server+client certificate naming the party', () => {
    expect(kor.tls.ca.keyPem).toContain('PRIVATE KEY');
    expect(certificateSubject(kor.tls.certPem)).toEqual({ commonName: 'relto node KOR', party: 'KOR' });
  });

  it('uses a shared CA without holding its key', async () => {
    const ca = await createDemoCa();
    const jpn = await generateNodeIdentity('JPN', { ca });
    expect(jpn.tls.ca).toEqual({ certPem: ca.certPem });
  });

  it('refuses a private JWK whose x does not belong to its d', () => {
    const other = kor.encryption.privateJwk;
    expect(() => keyPairFromPrivate({ ...kor.signing.privateJwk, x: other.x }, 'sig')).toThrow(
      /does not match/,
    );
    expect(() => keyPairFromPrivate(kor.encryption.privateJwk, 'sig')).toThrow(/Ed25519/);
  });
});

describe('public identity: relto node key / partner add (contracts §5)', () => {
  it('round-trips through JSON text', () => {
    const pub = publicIdentity(kor);
    expect(Object.keys(pub).sort()).toEqual(['encryptionKey', 'party', 'signingKey', 'tlsCa']);
    expect(parsePartnerIdentity(JSON.stringify(pub))).toEqual(pub);
  });

  it('never carries a private key, and refuses one handed in (path /signingKey/d)', () => {
    const pub = publicIdentity(kor);
    expect(JSON.stringify(pub)).not.toContain(kor.signing.privateJwk.d);
    expect(JSON.stringify(pub)).not.toContain(kor.encryption.privateJwk.d);
    expect(JSON.stringify(pub)).not.toContain('PRIVATE KEY');
    expect(() => parsePartnerIdentity({ ...pub, signingKey: kor.signing.privateJwk })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_REQUEST', path: '/signingKey/d' }),
    );
  });

  it.each([
    ['party', (p: Record<string, unknown>) => ({ ...p, party: 'Korea' }), '/party'],
    ['missing key', (p: Record<string, unknown>) => ({ ...p, encryptionKey: undefined }), '/encryptionKey'],
    [
      'wrong curve',
      (p: Record<string, unknown>) => ({ ...p, encryptionKey: { ...(p.signingKey as object), use: 'enc' } }),
      '/encryptionKey/crv',
    ],
    ['not a certificate', (p: Record<string, unknown>) => ({ ...p, tlsCa: 'hello' }), '/tlsCa'],
    ['extra property', (p: Record<string, unknown>) => ({ ...p, url: 'https://x' }), '/url'],
  ])('names the JSON Pointer of the problem: %s', (_name, change, path) => {
    const bad = JSON.parse(JSON.stringify(change(publicIdentity(kor) as unknown as Record<string, unknown>)));
    expect(() => parsePartnerIdentity(bad)).toThrow(expect.objectContaining({ path }));
  });

  it('refuses a leaf certificate where the CA should be', () => {
    const bad = { ...publicIdentity(kor), tlsCa: kor.tls.certPem };
    expect(() => parsePartnerIdentity(bad)).toThrow(
      expect.objectContaining({ path: '/tlsCa', message: expect.stringMatching(/not a CA/) }),
    );
  });

  it('refuses text that is not JSON', () => {
    expect(() => parsePartnerIdentity('{')).toThrow(expect.objectContaining({ code: 'MALFORMED_REQUEST' }));
  });
});

describe('identity files', () => {
  it('saves with mode 0600 and loads the same identity', () => {
    const dir = tempDir();
    saveIdentity(dir, kor);
    for (const name of Object.values(IDENTITY_FILES)) {
      expect(statSync(join(dir, 'keys', name)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(loadIdentity(dir, 'KOR')).toEqual(kor);
    expect(hasIdentity(dir)).toBe(true);
  });

  it('refuses to replace a key file holding another key', async () => {
    const dir = tempDir();
    saveIdentity(dir, kor);
    saveIdentity(dir, kor); // the same content again is fine
    const other = await generateNodeIdentity('KOR');
    expect(() => saveIdentity(dir, other)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(loadIdentity(dir, 'KOR').signing).toEqual(kor.signing);
  });

  it("ensureIdentity keeps node init's signing key and makes the rest once", async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    // node init's form: node:crypto's JWK export, no `use`.
    const { d, x, kty, crv } = kor.signing.privateJwk;
    const initText = JSON.stringify({ crv, d, x, kty });
    writeFileSync(join(dir, 'keys', 'signing.jwk'), initText, { mode: 0o600 });
    const ca = await createDemoCa();
    const first = await ensureIdentity(dir, 'KOR', { ca });
    expect(first.signing.publicJwk.x).toBe(kor.signing.publicJwk.x);
    expect(readFileSync(join(dir, 'keys', 'signing.jwk'), 'utf8')).toBe(initText);
    expect(certificateFingerprint(first.tls.ca.certPem)).toBe(certificateFingerprint(ca.certPem));
    const second = await ensureIdentity(dir, 'KOR');
    expect(second.encryption).toEqual(first.encryption);
    expect(second.tls.certPem).toBe(first.tls.certPem);
  });
});
