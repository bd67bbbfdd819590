export {
  RecentKeys,
  type TrackBus,
  type TrackHandler,
  type TrackMessage,
  type TrackMeta,
  type Unsubscribe,
} from './bus.js';
export { type InProcessBusOptions, InProcessTrackBus } from './memory.js';
export { type NatsBusOptions, NatsTrackBus } from './nats.js';
