export { compileRegistry } from '../registry/index.js';
export { codesOf, decide, evaluate, reasonBits, reasonOrder, type Verdict } from './decide.js';
export * from './schema.js';
export { validateDecisionRequest } from './validate.js';
