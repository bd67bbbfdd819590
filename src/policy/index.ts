export { compileRegistry } from '../registry/index.js';
export {
  codesOf,
  type DecisionInput,
  decide,
  evaluate,
  labelOf,
  type PreparedLabel,
  type PreparedPrincipal,
  prepareLabel,
  preparePrincipal,
  principalOf,
  reasonBits,
  reasonOrder,
  type Verdict,
} from './decide.js';
export { nodePrincipal } from './node-principal.js';
// Schema types only: the TypeBox schema values live in ./schema.js, so a CLI call need not load TypeBox.
export type {
  Action,
  Answer,
  DecisionRequest,
  MarkObligation,
  Obligation,
  Principal,
  Reason,
  Role,
} from './schema.js';
export { validateDecisionRequest } from './validate.js';
