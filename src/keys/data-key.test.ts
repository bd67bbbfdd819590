import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newDataKey, open, seal, unwrap, unwrapMany, wrap, wrapGcm, wrapMany } from './data-key.js';

describe('data keys (R27)', () => {
  it('seals and opens a plaintext with the same key and AAD, and the ciphertext hides it', () => {
    const key = newDataKey();
    const sealed = seal(key, 'the launch point is secret', 'indicator--1\nv1');
    expect(sealed.includes(Buffer.from('launch'))).toBe(false);
    expect(open(key, sealed, 'indicator--1\nv1').toString('utf8')).toBe('the launch point is secret');
  });

  it('refuses to open with another key, another AAD or one flipped byte', () => {
    const key = newDataKey();
    const sealed = seal(key, 'text', 'a');
    expect(() => open(newDataKey(), sealed, 'a')).toThrow(/integrity/);
    expect(() => open(key, sealed, 'b')).toThrow(/integrity/);
    const altered = Buffer.from(sealed);
    altered[14] ^= 1;
    expect(() => open(key, altered, 'a')).toThrow(/integrity/);
  });

  it('seals a list of strings as their concatenation', () => {
    const key = newDataKey();
    const sealed = seal(key, ['{"name":"Ünïcode"}', '\n', '["texts"]'], 'x');
    expect(open(key, sealed, 'x').toString('utf8')).toBe('{"name":"Ünïcode"}\n["texts"]');
  });

  it('uses a fresh nonce every time, so equal plaintexts give different ciphertexts', () => {
    const key = newDataKey();
    expect(seal(key, 'same', '').equals(seal(key, 'same', ''))).toBe(false);
  });

  it('wraps a data key under the node key, bound to the item id', () => {
    const nodeKey = newDataKey();
    const dataKey = newDataKey();
    const wrapped = wrap(nodeKey, dataKey, 'report--1');
    expect(wrapped.length).toBe(8 + 32);
    expect(Buffer.from(unwrap(nodeKey, wrapped, 'report--1')).equals(Buffer.from(dataKey))).toBe(true);
    expect(() => unwrap(nodeKey, wrapped, 'report--2')).toThrow(/integrity/);
    expect(() => unwrap(newDataKey(), wrapped, 'report--1')).toThrow(/integrity/);
  });

  it('wraps with RFC 3394 AES key wrap, the item bound in the initial value (as OpenSSL computes it)', () => {
    const nodeKey = newDataKey();
    const dataKey = newDataKey();
    const iv = createHash('sha256').update('relto data key\nreport--1').digest().subarray(0, 8);
    const kw = createCipheriv('id-aes256-wrap', nodeKey, iv);
    const expected = Buffer.concat([kw.update(dataKey), kw.final()]);
    expect(wrap(nodeKey, dataKey, 'report--1').equals(expected)).toBe(true);
  });

  it('wraps and unwraps a batch exactly as one key at a time, and refuses a batch with one altered key', () => {
    const nodeKey = newDataKey();
    const keys = Array.from({ length: 50 }, (_, i) => ({ dataKey: newDataKey(), itemId: `note--${i}` }));
    const wrapped = wrapMany(nodeKey, keys);
    for (const [i, k] of keys.entries()) {
      expect(wrapped[i]!.equals(wrap(nodeKey, k.dataKey, k.itemId))).toBe(true);
    }
    const back = unwrapMany(
      nodeKey,
      wrapped.map((w, i) => ({ wrapped: w, itemId: keys[i]!.itemId })),
    );
    for (const [i, k] of back.entries()) {
      expect(Buffer.from(k).equals(Buffer.from(keys[i]!.dataKey))).toBe(true);
    }
    const altered = wrapped.map((w) => Buffer.from(w));
    altered[17]![20]! ^= 1;
    expect(() =>
      unwrapMany(
        nodeKey,
        altered.map((w, i) => ({ wrapped: w, itemId: keys[i]!.itemId })),
      ),
    ).toThrow(/integrity/);
  });

  it('still unwraps data keys wrapped with AES-256-GCM before key wrap, bound to the item id as before', () => {
    const nodeKey = newDataKey();
    const dataKey = newDataKey();
    const old = wrapGcm(nodeKey, dataKey, 'report--1');
    expect(old.length).toBe(12 + 32 + 16);
    expect(Buffer.from(unwrap(nodeKey, old, 'report--1')).equals(Buffer.from(dataKey))).toBe(true);
    expect(() => unwrap(nodeKey, old, 'report--2')).toThrow(/integrity/);
    expect(() => unwrap(nodeKey, old.subarray(1), 'report--1')).toThrow(/length/);
  });

  it('refuses keys of the wrong length', () => {
    expect(() => seal(new Uint8Array(16), 'x', '')).toThrow(/32 bytes/);
    expect(() => wrap(new Uint8Array(31), newDataKey())).toThrow(/node key/);
  });
});
