import { describe, expect, it } from 'vitest';
import { newDataKey, open, seal, unwrap, wrap } from './data-key.js';

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

  it('uses a fresh nonce every time, so equal plaintexts give different ciphertexts', () => {
    const key = newDataKey();
    expect(seal(key, 'same', '').equals(seal(key, 'same', ''))).toBe(false);
  });

  it('wraps a data key under the node key, bound to the item id', () => {
    const nodeKey = newDataKey();
    const dataKey = newDataKey();
    const wrapped = wrap(nodeKey, dataKey, 'report--1');
    expect(wrapped.length).toBe(12 + 32 + 16);
    expect(Buffer.from(unwrap(nodeKey, wrapped, 'report--1')).equals(Buffer.from(dataKey))).toBe(true);
    expect(() => unwrap(nodeKey, wrapped, 'report--2')).toThrow(/integrity/);
    expect(() => unwrap(newDataKey(), wrapped, 'report--1')).toThrow(/integrity/);
  });

  it('refuses keys of the wrong length', () => {
    expect(() => seal(new Uint8Array(16), 'x', '')).toThrow(/32 bytes/);
    expect(() => wrap(new Uint8Array(31), newDataKey())).toThrow(/node key/);
  });
});
