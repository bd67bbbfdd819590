import { ReltoError } from '../errors/index.js';

/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, numbers as ECMAScript
 * writes them, strings escaped as JSON.stringify escapes them, no whitespace.
 * Object properties whose value is `undefined` are left out, as JSON.stringify does; anything JSON cannot
 * carry (NaN, Infinity, bigint, functions, lone surrogates, non-plain objects) throws NOT_CANONICAL_JSON
 * with the JSON Pointer of the offending value.
 *
 * @example canonicalize({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
export function canonicalize(value: unknown, known?: CanonicalForms): string {
  known_ = known;
  try {
    // Already in canonical order (as JSON parsed from canonical text is): JSON.stringify writes exactly
    // RFC 8785's text for it (RFC 8785 §3.2.2 is ECMAScript's serialization), several times faster.
    if (known === undefined && inCanonicalOrder(value)) return JSON.stringify(value);
    return write(value);
  } catch (e) {
    if (e !== NOT_JSON) throw e;
    // The fast writer keeps no path; walk again to say where the problem is.
    const problem = locate(value, '');
    throw new ReltoError('NOT_CANONICAL_JSON', problem?.message, problem?.path ?? '');
  } finally {
    known_ = undefined;
  }
}

/**
 * Canonical forms already written, by object: a message that carries objects just canonicalized to be hashed
 * (a signed batch) writes their text as it is instead of walking them again. An entry is only right while its
 * object is not changed: keep such a map for one piece of work, never beyond it.
 */
export type CanonicalForms = Map<object, string>;

// The forms of the canonicalize() call under way (it is synchronous, so one at a time).
let known_: CanonicalForms | undefined;

/** The UTF-8 bytes of `canonicalize(value)`: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

const NOT_JSON = Symbol('not canonical JSON');

// A lone surrogate cannot be encoded as UTF-8, so I-JSON (which RFC 8785 requires) forbids it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;

function wellFormed(s: string): boolean {
  // Most strings hold no surrogate at all; only those need the slower lone-surrogate test.
  return !SURROGATE.test(s) || !LONE_SURROGATE.test(s);
}

// Characters JSON must escape, and surrogates (which need the well-formedness test).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes.
const SPECIAL = /["\\\u0000-\u001f\uD800-\uDFFF]/;

function writeString(s: string): string {
  // Fast path: nothing to escape, so the quoted string is the string itself.
  if (!SPECIAL.test(s)) return `"${s}"`;
  if (!wellFormed(s)) throw NOT_JSON;
  // JSON.stringify's escaping is exactly RFC 8785 §3.2.2.2 (ECMAScript's QuoteJSONString).
  return JSON.stringify(s);
}

/**
 * True when JSON.stringify(value) is its canonical text: every object plain with its keys already sorted by
 * UTF-16 code units, every string and key well formed, every number finite, nothing JSON cannot carry (an
 * undefined property is left out by both). Anything else goes to the writer, which sorts or refuses.
 */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (item === undefined || !inCanonicalOrder(item)) return false;
        }
        return true;
      }
      if (!isPlainObject(value)) return false;
      const record = value as Record<string, unknown>;
      let previous: string | undefined;
      for (const key of Object.keys(record)) {
        if ((previous !== undefined && !(previous < key)) || !wellFormed(key)) return false;
        previous = key;
        const v = record[key];
        if (v !== undefined && !inCanonicalOrder(v)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return writeString(value);
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript Number.prototype.toString; -0 is written 0.
      if (!Number.isFinite(value)) throw NOT_JSON;
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
          // JSON.stringify writes undefined in a list as null; canonical form must agree with it.
          out += item === undefined ? 'null' : write(item);
        }
        return `${out}]`;
      }
      if (known_ !== undefined) {
        const text = known_.get(value);
        if (text !== undefined) return text;
      }
      if (!isPlainObject(value)) throw NOT_JSON;
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${writeString(key)}:${write(v)}`;
      }
      return `${out}}`;
    }
    default:
      throw NOT_JSON;
  }
}

function locate(value: unknown, path: string): { path: string; message: string } | null {
  switch (typeof value) {
    case 'string':
      return wellFormed(value) ? null : { path, message: 'a string holds a lone surrogate' };
    case 'number':
      return Number.isFinite(value) ? null : { path, message: `${value} is not a JSON number` };
    case 'boolean':
      return null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = value[i] === undefined ? null : locate(value[i], `${path}/${i}`);
          if (p) return p;
        }
        return null;
      }
      if (!isPlainObject(value)) return { path, message: 'only plain objects can be canonicalized' };
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const childPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!wellFormed(key)) return { path: childPath, message: 'a key holds a lone surrogate' };
        const p = v === undefined ? null : locate(v, childPath);
        if (p) return p;
      }
      return null;
    }
    default:
      return { path, message: `a ${typeof value} is not JSON` };
  }
}
