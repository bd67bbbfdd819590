import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { firstProblem } from '../codegen/index.js';
import { type ErrorCode, ReltoError } from '../errors/index.js';

const ajv = new Ajv({ allErrors: false, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/** A compiled TypeBox schema. */
export interface Checker<T extends TSchema> {
  /** True when `value` has the schema's shape. */
  is(value: unknown): value is Static<T>;
  /** The first problem (JSON Pointer and message), or undefined when the value is valid. */
  problem(value: unknown): { path: string; message: string } | undefined;
  /** Returns the value typed, or throws ReltoError `code` naming the JSON Pointer of the first problem. */
  assert(value: unknown, code?: ErrorCode, base?: string): Static<T>;
}

/** Compiles a TypeBox schema once (ajv, formats on). */
export function compileChecker<T extends TSchema>(schema: T): Checker<T> {
  const check = ajv.compile<Static<T>>(schema);
  const problem = (value: unknown) => (check(value) ? undefined : firstProblem(check.errors![0]));
  return {
    is: (value: unknown): value is Static<T> => check(value),
    problem,
    assert(value, code = 'MALFORMED_REQUEST', base = '') {
      const p = problem(value);
      if (p) {
        const path = `${base}${p.path}`;
        throw new ReltoError(code, `${path || '/'} ${p.message}`, path);
      }
      return value as Static<T>;
    },
  };
}
