export { openStore } from './open-store.js';
export { queryWords } from './search.js';
export * from './store.js';
export { microsToStamp, normaliseStamp, stampToMicros } from './time.js';
