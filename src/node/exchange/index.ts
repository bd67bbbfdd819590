export { Delivery, type DeliveryOptions } from './delivery.js';
export { Exchange, type InboxAnswer, ROWS } from './exchange.js';
export {
  addPartner,
  addPartnerAudited,
  type KeyFingerprints,
  keyFingerprints,
  listPartners,
  type Partner,
  type PartnerChange,
} from './partners.js';
export type { ReleaseRequestBody, ReleaseStatus } from './release-state.js';
export { type RunningExchange, startExchange } from './start.js';
export { closeAgents, INBOX_PATH, type InboxServer, postToPartner, startInboxServer } from './transport.js';
