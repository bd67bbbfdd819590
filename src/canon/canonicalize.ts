import { ReltoError } from '../errors/index.js';

/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, numbers as ECMAScript
 * writes them, strings escaped as JSON.stringify escapes them, no whitespace.
 * Object properties whose value is `undefined` are left out, as JSON.stringify does; anything JSON cannot
 * carry (NaN, Infinity, bigint, functions, lone surrogates, non-plain objects) throws NOT_CANONICAL_JSON.
 *
 * @example canonicalize({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
export function canonicalize(value: unknown): string {
  return write(value, '');
}

/** The UTF-8 bytes of `canonicalize(value)`: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

// A lone surrogate cannot be encoded as UTF-8, so I-JSON (which RFC 8785 requires) forbids it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function writeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s))
    throw new ReltoError('NOT_CANONICAL_JSON', 'a string holds a lone surrogate', path);
  // JSON.stringify's escaping is exactly RFC 8785 §3.2.2.2 (ECMAScript's QuoteJSONString).
  return JSON.stringify(s);
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, path);
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript Number.prototype.toString; -0 is written 0.
      if (!Number.isFinite(value)) {
        throw new ReltoError('NOT_CANONICAL_JSON', `${value} is not a JSON number`, path);
      }
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item = value[i];
          // JSON.stringify writes a hole or undefined in a list as null; canonical form must agree with it.
          out += item === undefined ? 'null' : write(item, `${path}/${i}`);
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new ReltoError('NOT_CANONICAL_JSON', 'only plain objects can be canonicalized', path);
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined) continue;
        const childPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!first) out += ',';
        first = false;
        out += `${writeString(key, childPath)}:${write(v, childPath)}`;
      }
      return `${out}}`;
    }
    default:
      throw new ReltoError('NOT_CANONICAL_JSON', `a ${typeof value} is not JSON`, path);
  }
}
