import { firstProblem, type Validator } from '../codegen/index.js';
import { ReltoError } from '../errors/index.js';
import { validate } from './request-validator.generated.js';
import type { DecisionRequest } from './schema.js';

export { isDateTime } from './request-formats.js';

/** Generated from the DecisionRequest schema (src/codegen/validators.ts): no schema compiled at start-up. */
const check = validate as unknown as Validator<DecisionRequest>;

/**
 * Checks the shape of a decision request (contracts §4) and returns it typed; throws MALFORMED_REQUEST
 * naming the JSON Pointer of the first problem. A consent must state exactly one of to, actions, purpose.
 */
export function validateDecisionRequest(input: unknown): DecisionRequest {
  if (!check(input)) {
    const p = firstProblem(check.errors![0]);
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
