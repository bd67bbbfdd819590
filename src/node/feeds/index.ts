export { type ItemEntity, itemEntities } from './entities.js';
export {
  addFeed,
  DEFAULT_EVERY_SECONDS,
  entityFinder,
  type FeedPollResult,
  type NewFeed,
  pollFeed,
} from './intake.js';
export {
  listNews,
  NEWS_PAGE_DEFAULT,
  NEWS_PAGE_MAX,
  type NewsItem,
  type NewsPage,
  type NewsPlace,
  type NewsQuery,
} from './news.js';
