export { type Checker, compileChecker } from './check.js';
export { ensureIdentity, hasIdentity, IDENTITY_FILES, loadIdentity, saveIdentity } from './identity-files.js';
export {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  keyObject,
  keyPairFromPrivate,
  type OkpKeyPair,
  type PrivateOkpJwk,
  type PublicOkpJwk,
} from './keys.js';
export {
  type GenerateIdentityOptions,
  generateNodeIdentity,
  type NodeIdentity,
  type NodeTls,
} from './node-identity.js';
export {
  EncryptionJwk,
  PublicIdentity,
  parsePartnerIdentity,
  publicIdentity,
  SigningJwk,
} from './public-identity.js';
export {
  type CaOptions,
  type CertificateAuthority,
  type CertificateKind,
  certificateFingerprint,
  certificateSubject,
  createDemoCa,
  type IssuedCertificate,
  type IssueOptions,
  issueCertificate,
  peerParty,
} from './tls.js';
