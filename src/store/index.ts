export { openStore } from './open-store.js';
export * from './store.js';
export { indexTerms, type QueryWord, queryWords, textHolds } from './terms.js';
export { microsToStamp, normaliseStamp, stampToMicros } from './time.js';
