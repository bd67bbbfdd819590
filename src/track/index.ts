export {
  type ClientReadArgs,
  clientReadRequest,
  mayClientReceive,
  mayPartnerReceive,
  nodePrincipal,
  type PartnerReleaseArgs,
  partnerReleaseRequest,
  releaseUnder,
  type StandingConsent,
  StandingConsents,
} from './access.js';
export {
  type CotRefusalReason,
  cotRefusal,
  cotRefusalReason,
  DEFAULT_MAX_COT_BYTES,
  DEFAULT_MAX_FUTURE_MS,
  isPing,
  type ParseOptions,
  parseCot,
  pongFor,
  serialiseCot,
  tryParseCot,
  UNKNOWN_ERROR,
} from './cot.js';
export { eventKey, flowOf, mayForwardTo, receivedFrom, TrackDeduper, withFlowHop } from './flow.js';
export { formatInstant, parseInstant } from './instant.js';
export { type FeedDefaults, type TrackLabelOptions, trackFeed, trackLabel, withLabel } from './label.js';
export { outboundTrack } from './outbound.js';
export { stripForRelease } from './strip.js';
export * from './track.js';
