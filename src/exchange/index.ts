export {
  type AlternativeResult,
  alternativesFor,
  type MarkingAlternative,
  receiverAlternative,
} from './alternative.js';
export { type AuditHeadCheck, checkAuditHead, treeHeadOf } from './audit-head.js';
export {
  BATCH_TYP,
  type BatchHeader,
  batchHeader,
  type Originator,
  objectDigest,
  objectLeafHash,
  type RecordCheck,
  type RecordFault,
  type SignedBatchRecord,
  signBatch,
  verifyBatchSignature,
  verifyItem,
} from './batch.js';
export { toLabelConsent } from './consent.js';
export { type ExchangeKey, toKeyObject } from './keys.js';
export {
  buildMessage,
  decodeMessage,
  encodeMessage,
  MEDIA_TYPE,
  MESSAGE_TYP,
  type MessageRefusal,
  type OpenedMessage,
  type OpenOptions,
  openMessage,
  type Received,
  type Recipient,
  receiveMessage,
  type Sender,
} from './message.js';
export {
  checkEnvelope,
  checkItems,
  type EnvelopeFault,
  type EnvelopeOptions,
  type ItemCheckOptions,
  type ItemRefusalCode,
  type ItemResult,
  type MessageRefusalCode,
  type RefusedItem,
  type VerifiedItem,
} from './receive.js';
export * from './schema.js';
