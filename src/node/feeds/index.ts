export { type ItemEntity, itemEntities } from './entities.js';
export {
  addFeed,
  DEFAULT_EVERY_SECONDS,
  entityFinder,
  type FeedPollResult,
  type NewFeed,
  pollFeed,
} from './intake.js';
