import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ReltoError } from '../errors/index.js';
import { instant } from './decide.js';
import { DecisionRequest } from './schema.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 date-time, checked with one regular expression and the engine's own instant reader (which
 * refuses impossible fields): the request's only format, on the hot path of `policy check --batch`.
 */
export function isDateTime(value: string): boolean {
  if (!RFC3339.test(value)) return false;
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (
    Number(value.slice(11, 13)) > 23 ||
    Number(value.slice(14, 16)) > 59 ||
    Number(value.slice(17, 19)) > 60
  ) {
    return false;
  }
  // Day 31 of a 30-day month and 29 February of a common year roll over in Date: refuse them.
  const probe = new Date(Date.UTC(Number(value.slice(0, 4)), month - 1, day));
  return probe.getUTCDate() === day && !Number.isNaN(instant(value));
}

let compiled: ValidateFunction<DecisionRequest> | undefined;

/** Compiled at first use, not at import: a command that never checks a request does not pay for it. */
function checker(): ValidateFunction<DecisionRequest> {
  if (compiled === undefined) {
    // validateSchema off: the schema is TypeBox's own output, and checking it against the JSON Schema
    // meta-schema would compile that meta-schema first, doubling what a one-request command pays.
    const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: false });
    ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
    compiled = ajv.compile<DecisionRequest>(DecisionRequest);
  }
  return compiled;
}

function problem(e: ErrorObject): { path: string; message: string } {
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

/**
 * Checks the shape of a decision request (contracts §4) and returns it typed; throws MALFORMED_REQUEST
 * naming the JSON Pointer of the first problem. A consent must state exactly one of to, actions, purpose.
 */
export function validateDecisionRequest(input: unknown): DecisionRequest {
  const check = checker();
  if (!check(input)) {
    const p = problem(check.errors![0]);
    throw new ReltoError('MALFORMED_REQUEST', `${p.path || '/'} ${p.message}`, p.path);
  }
  const consents = input.item.label.consents;
  if (consents) {
    for (let i = 0; i < consents.length; i++) {
      const c = consents[i];
      const kinds =
        (c.to !== undefined ? 1 : 0) + (c.actions !== undefined ? 1 : 0) + (c.purpose !== undefined ? 1 : 0);
      if (kinds !== 1) {
        const path = `/item/label/consents/${i}`;
        throw new ReltoError(
          'MALFORMED_REQUEST',
          `${path}: expected: exactly one of to, actions, purpose`,
          path,
        );
      }
    }
  }
  return input;
}
