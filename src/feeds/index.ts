export { durationSeconds } from './duration.js';
export { entityObject, entityObjectId } from './entity-objects.js';
export {
  FETCH_TIMEOUT_MS,
  type Fetched,
  fetchFeedUrl,
  MAX_FEED_BYTES,
  MAX_REDIRECTS,
  readFeedFile,
  type Validators,
} from './fetch.js';
export { FeedProblem, type FeedProblemKind } from './problem.js';
export { charsetOf, decodeFeed, type FeedItem, plainText, type ReadFeed, readFeed } from './read.js';
export { contentHash, itemKeys, newsReport, normaliseLink, reportIdFor, sourceIdentity } from './report.js';
