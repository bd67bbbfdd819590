// The API client lives in client/ (the CLI loads it without the server); kept here for the tests that reach it.
export { ReltoClient, type ReltoClientOptions } from '../client/index.js';
export {
  type AppOptions,
  buildApp,
  DEFAULT_MAX_CONTENT_LENGTH,
  DEFAULT_MAX_PAGE_SIZE,
  type ReltoApp,
} from './app.js';
export { parseBasic, parseBearer } from './auth.js';
export type { MetricsAccess } from './metrics.js';
export { acceptsTaxii, isTaxiiContentType, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './taxii/media.js';
export { apiRootPath } from './taxii/routes.js';
