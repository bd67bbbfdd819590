export {
  codeMeaning,
  type ErrorCode,
  errorCodes,
  type ReasonCode,
  RULE_OR_SECTION,
  reasonCodes,
} from './codes.js';
export { pointer, pointerToken, ReltoError } from './relto-error.js';
