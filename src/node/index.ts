export { AuditLog, type AuditLogOptions, storedHead, verifyStoredLog } from './audit-log.js';
export { labelBundle } from './ingest.js';
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
export { hashPassword, type UserChange, type UserInput, type UserView, verifyPassword } from './people.js';
export { STIX_MEDIA_TYPE } from './serve.js';
export * from './service.js';
