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
export * from './schema.js';
export { validateDecisionRequest } from './validate.js';
