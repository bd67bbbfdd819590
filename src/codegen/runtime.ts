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
