export { type ErrorCode, errorCodes, type ReasonCode, reasonCodes } from './codes.js';
export { pointer, pointerToken, ReltoError } from './relto-error.js';
