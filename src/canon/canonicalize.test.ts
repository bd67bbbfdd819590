import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { canonicalBytes, canonicalize } from './canonicalize.js';

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('writes the RFC 8785 §3.2.2 sample exactly', () => {
    // The RFC's input, parsed from its own JSON text so the number literals are the RFC's.
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as RFC 8785 §3.2.3 shows', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order from the text: JSON.parse would move the integer-like key "1" first.
    const text = canonicalize(input);
    const positions = [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ].map((v) => text.indexOf(v));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    expect(positions.every((p) => p > 0)).toBe(true);
    // The emoji (surrogate pair D83D…) sorts before U+FB33 though its code point is higher.
    expect(text.indexOf('\ud83d\ude00')).toBeLessThan(text.indexOf('\ufb33'));
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the binary64 %s as %s (RFC 8785 Appendix B)', (bits, text) => {
    expect(canonicalize(fromBits(bits))).toBe(text);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate key', { '\udc00': 1 }],
  ])('refuses %s with NOT_CANONICAL_JSON', (_name, value) => {
    expect(() => canonicalize({ x: [value] })).toThrow(ReltoError);
    try {
      canonicalize({ x: [value] });
    } catch (e) {
      expect((e as ReltoError).code).toBe('NOT_CANONICAL_JSON');
      expect((e as ReltoError).path.startsWith('/x')).toBe(true);
    }
  });

  it('leaves out undefined properties as JSON.stringify does', () => {
    expect(canonicalize({ b: undefined, a: 1 })).toBe('{"a":1}');
  });

  it('nests: keys are sorted at every depth and there is no whitespace', () => {
    expect(canonicalize({ z: { b: [1, { d: 2, c: 3 }], a: 'x' }, a: null })).toBe(
      '{"a":null,"z":{"a":"x","b":[1,{"c":3,"d":2}]}}',
    );
  });

  it('is a fixed point: parsing and re-canonicalizing gives the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalize(v);
        expect(canonicalize(JSON.parse(once))).toBe(once);
        // Same data as JSON.stringify, only the order and spelling may differ.
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('does not depend on the insertion order of keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(d));
      }),
    );
  });

  it('writes the same text whether the keys come in canonical order or not, at every depth', () => {
    const sorted = { a: [1, -0, 1e21, 'x\u0001"\\'], b: { c: null, d: true, e: 'é😀' }, f: undefined };
    const unsorted = { f: undefined, b: { e: 'é😀', d: true, c: null }, a: [1, -0, 1e21, 'x\u0001"\\'] };
    expect(canonicalize(sorted)).toBe(
      '{"a":[1,0,1e+21,"x\\u0001\\"\\\\"],"b":{"c":null,"d":true,"e":"é😀"}}',
    );
    expect(canonicalize(unsorted)).toBe(canonicalize(sorted));
  });

  it('refuses what JSON cannot carry even when the keys are in canonical order', () => {
    expect(() => canonicalize({ a: 1, b: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalize({ a: '\uD800' })).toThrow(/surrogate/);
    expect(() => canonicalize({ a: new Date(0) })).toThrow(/plain objects/);
    expect(() => canonicalize({ a: () => 1 })).toThrow();
    expect(canonicalize([1, undefined])).toBe('[1,null]');
  });

  it('gives UTF-8 bytes of the canonical text', () => {
    expect(canonicalBytes({ k: '€' }).equals(Buffer.from('{"k":"€"}', 'utf8'))).toBe(true);
  });
});
