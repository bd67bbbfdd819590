export { AuditChain, type SealedEntry, type SealedRow } from './chain.js';
export {
  AUDIT_ENTRY_KINDS,
  type AuditEntry,
  type AuditEntryInput,
  type AuditEntryKind,
  entryBytes,
  entryLeafHash,
  GENESIS_PREV,
  sealEntry,
  sealedEntryText,
} from './entry.js';
export {
  type SignedTreeHead,
  type SigningKey,
  signTreeHead,
  type TreeHead,
  treeHeadBytes,
  verifyTreeHead,
} from './head.js';
export {
  EMPTY_ROOT,
  leafHash,
  leafHashOfText,
  nodeHash,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export { verifyEntryInclusion, verifyHeadConsistency } from './proofs.js';
export { CompactRange, MerkleTree } from './tree.js';
export { type LogFailure, type VerifyLogResult, verifyLog } from './verify-log.js';
