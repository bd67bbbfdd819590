export { type CanonicalForms, canonicalBytes, canonicalize } from './canonicalize.js';
export { sha256, sha256Hex } from './hash.js';
export { DNS_NAMESPACE, isUuid, RELTO_NAMESPACE, uuidv5 } from './uuid.js';
