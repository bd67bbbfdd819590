export { ucs2length, type Validator } from './runtime.js';
export { type GeneratedFile, generatedValidators } from './validators.js';
