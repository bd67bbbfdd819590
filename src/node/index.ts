export { AuditLog, type AuditLogOptions, storedHead, verifyStoredLog } from './audit-log.js';
export {
  BriefDesk,
  type BriefSendResult,
  type BriefService,
  type BriefSubscriptionInput,
  type BriefSubscriptionView,
  type DkimKey,
  isPermanentRefusal,
  type MailTransport,
  PUBLIC_URL_META,
  smtpTransport,
} from './brief/index.js';
export { labelBundle } from './ingest/index.js';
export { TLP_MARKINGS } from './labels.js';
export { type InitNodeOptions, type NodeConfig, readNodeFolder } from './node-data.js';
export {
  createNode,
  type NodeAdmin,
  type OpenNodeOptions,
  openNode,
  ReltoNode,
  verifyAudit,
} from './node-service.js';
export {
  DEFAULT_TOKEN_HOURS,
  hashPassword,
  type UserChange,
  type UserInput,
  type UserView,
  verifyPassword,
} from './people.js';
export { type ReaderLabel, readerBanners, readerLabel, STIX_MEDIA_TYPE } from './serve/index.js';
export * from './service.js';
export { SIGN_IN_DEFAULTS, type SignInThrottleOptions } from './sign-in-throttle.js';
