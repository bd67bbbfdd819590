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
export { parseCsv } from './csv.js';
export type { PersonStream } from './fan-out.js';
export { eventKey, flowOf, mayForwardTo, receivedFrom, TrackDeduper, withFlowHop } from './flow.js';
export { CotFramer, type Frame } from './framer.js';
export { formatInstant, parseInstant } from './instant.js';
export { type FeedDefaults, type TrackLabelOptions, trackFeed, trackLabel, withLabel } from './label.js';
export { outboundTrack } from './outbound.js';
export { type PartnerEndpoint, PartnerLink } from './partner-link.js';
export { loadLaunches, pickLaunch, type ReplayOptions, type ReplayResult, replayLaunch } from './replay.js';
export { startTrackServices, type TrackServices, type TrackServicesOptions } from './services.js';
export {
  bearingDeg,
  DEFAULT_FEED,
  DEFAULT_FEED_LABEL,
  DEFAULT_SENSOR,
  destination,
  distanceKm,
  type FlightPlan,
  flightSeconds,
  flightUpdates,
  type LaunchRow,
  parseLaunchCsv,
  planFlight,
  type SimulatedSensor,
  type SimulatedUpdate,
  type SimulateOptions,
  seededRandom,
  simulateLaunch,
} from './simulate.js';
export type { DeliveredTrack, TrackLogger, TrackNode, TrackStats } from './stage.js';
export { stripForRelease } from './strip.js';
export * from './track.js';
