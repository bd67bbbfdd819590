export { newDataKey, open, seal, unwrap, wrap } from './data-key.js';
