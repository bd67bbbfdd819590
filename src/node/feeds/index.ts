export { addFeed, DEFAULT_EVERY_SECONDS, type FeedPollResult, type NewFeed, pollFeed } from './intake.js';
