import type { ErrorObject } from 'ajv';

/**
 * The length of a string in Unicode code points, as JSON Schema counts minLength and maxLength (a UTF-16
 * surrogate pair is one character): Ajv's run-time helper, here so generated validators need no Ajv.
 */
export function ucs2length(str: string): number {
  const len = str.length;
  let length = 0;
  let pos = 0;
  let value: number;
  while (pos < len) {
    length++;
    value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      // high surrogate, and there is a next character
      value = str.charCodeAt(pos);
      if ((value & 0xfc00) === 0xdc00) pos++; // low surrogate
    }
  }
  return length;
}

/** A generated validator: true when the data fits its schema, else `errors` says where and why. */
export interface Validator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

/**
 * The first problem of a failed validation as a JSON Pointer and a short message: how a generated or
 * compiled validator's error reads in a MALFORMED_REQUEST (decision requests, exchange messages, identities).
 */
export function firstProblem(e: ErrorObject): { path: string; message: string } {
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: `${e.instancePath}/${extra}`, message: 'is not a known property' };
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return { path: `${e.instancePath}/${missing}`, message: 'is required' };
  }
  if (e.keyword === 'anyOf' || e.keyword === 'enum' || e.keyword === 'const') {
    return { path: e.instancePath, message: 'is not one of the allowed values' };
  }
  return { path: e.instancePath, message: e.message ?? 'is invalid' };
}
