import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  CompactEncrypt,
  CompactSign,
  compactDecrypt,
  compactVerify,
  FlattenedSign,
  flattenedVerify,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { decryptJwe, encryptJwe, fromB64url, signDetachedJws, signJws, verifyJws } from './compact-jose.js';

/** relto's node:crypto JOSE against jose, the reference, in both directions. */
const ed = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const x = generateKeyPairSync('x25519');
const payload = Buffer.from(JSON.stringify({ hello: 'world', n: 1 }));
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('JWS EdDSA (RFC 7515, RFC 8037)', () => {
  it('jose verifies what relto signs, attached and detached', async () => {
    const jws = signJws(payload, { alg: 'EdDSA', typ: 't', kid: 'KOR' }, ed.privateKey);
    const v = await compactVerify(jws, ed.publicKey);
    expect(Buffer.from(v.payload).equals(payload)).toBe(true);
    expect(v.protectedHeader).toEqual({ alg: 'EdDSA', typ: 't', kid: 'KOR' });
    const [h, , s] = signDetachedJws(payload, { alg: 'EdDSA' }, ed.privateKey).split('.');
    await expect(
      flattenedVerify({ protected: h, payload: payload.toString('base64url'), signature: s }, ed.publicKey),
    ).resolves.toBeTruthy();
  });

  it('relto verifies what jose signs, attached and detached', async () => {
    const jws = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'JPN' })
      .sign(ed.privateKey);
    expect(verifyJws(jws, ed.publicKey)?.payload.equals(payload)).toBe(true);
    const f = await new FlattenedSign(payload).setProtectedHeader({ alg: 'EdDSA' }).sign(ed.privateKey);
    expect(verifyJws(`${f.protected}..${f.signature}`, ed.publicKey, payload)).toBeDefined();
  });

  it('refuses another key, an altered payload, alg none or HS256, crit, b64 and a non-empty detached part', () => {
    const jws = signJws(payload, { alg: 'EdDSA' }, ed.privateKey);
    const [h, p, s] = jws.split('.');
    expect(verifyJws(jws, other.publicKey)).toBeUndefined();
    expect(verifyJws(`${h}.${b64({ hello: 'there', n: 1 })}.${s}`, ed.publicKey)).toBeUndefined();
    for (const header of [
      { alg: 'none' },
      { alg: 'HS256' },
      { alg: 'EdDSA', crit: ['x'], x: 1 },
      { alg: 'EdDSA', b64: false },
    ]) {
      expect(verifyJws(`${b64(header)}.${p}.${s}`, ed.publicKey)).toBeUndefined();
    }
    expect(verifyJws(jws, ed.publicKey, payload)).toBeUndefined();
    expect(verifyJws(`${h}.${p}.${s}=`, ed.publicKey)).toBeUndefined();
  });
});

describe('JWE ECDH-ES+A256KW / A256GCM on X25519 (RFC 7516, RFC 7518)', () => {
  it('jose decrypts what relto encrypts', async () => {
    const jwe = encryptJwe(payload, x.publicKey, { kid: 'JPN', cty: 'relto-message' });
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, x.privateKey);
    expect(Buffer.from(plaintext).equals(payload)).toBe(true);
    expect(protectedHeader).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: 'JPN' });
  });

  it('relto decrypts what jose encrypts, with and without PartyUInfo / PartyVInfo', async () => {
    const plain = await new CompactEncrypt(payload)
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
      .encrypt(x.publicKey);
    expect(decryptJwe(plain, x.privateKey).plaintext.equals(payload)).toBe(true);
    const withParties = await new CompactEncrypt(payload)
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
      .setKeyManagementParameters({ apu: Buffer.from('KOR'), apv: Buffer.from('JPN') })
      .encrypt(x.publicKey);
    expect(decryptJwe(withParties, x.privateKey).plaintext.equals(payload)).toBe(true);
  });

  it('refuses other algorithms, compression, another key and any altered byte', async () => {
    const rsaLike = await new CompactEncrypt(payload)
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
      .encrypt(x.publicKey);
    expect(() => decryptJwe(rsaLike, x.privateKey)).toThrow(/only ECDH-ES\+A256KW/);
    const a128 = await new CompactEncrypt(payload)
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A128GCM' })
      .encrypt(x.publicKey);
    expect(() => decryptJwe(a128, x.privateKey)).toThrow(/only/);
    const jwe = encryptJwe(payload, x.publicKey);
    const stranger = generateKeyPairSync('x25519').privateKey as KeyObject;
    expect(() => decryptJwe(jwe, stranger)).toThrow();
    const parts = jwe.split('.');
    for (let i = 0; i < 5; i++) {
      const bytes = fromB64url(parts[i])!;
      bytes[bytes.length >> 1] ^= 0x20;
      const altered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(() => decryptJwe(altered, x.privateKey), `part ${i}`).toThrow();
    }
  });
});

describe('strict base64url', () => {
  it('refuses padding and characters outside the alphabet', () => {
    expect(fromB64url('AAAA')).toEqual(Buffer.from([0, 0, 0]));
    for (const bad of ['AA==', 'AA+A', 'AA/A', 'A', 'A A']) expect(fromB64url(bad)).toBeUndefined();
    // long parts take the fast path: the same refusals hold
    const long = Buffer.alloc(3000, 7).toString('base64url');
    expect(fromB64url(long)?.length).toBe(3000);
    for (const bad of [
      `${long}==`,
      `+${long.slice(1)}`,
      `${long.slice(0, 100)}/${long.slice(101)}`,
      `${long.slice(0, 100)} ${long.slice(101)}`,
      `${long.slice(0, -4)}AA==`,
    ]) {
      expect(fromB64url(bad)).toBeUndefined();
    }
  });
});
