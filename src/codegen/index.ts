// What generated validators and their callers use at run time. The generator itself (validators.ts, which
// loads TypeBox and Ajv) is not exported here: scripts/generate-validators.mjs imports it directly.
export { firstProblem, ucs2length, type Validator } from './runtime.js';
