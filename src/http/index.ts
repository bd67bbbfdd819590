export {
  type AppOptions,
  buildApp,
  DEFAULT_MAX_CONTENT_LENGTH,
  DEFAULT_MAX_PAGE_SIZE,
  type ReltoApp,
} from './app.js';
export { parseBasic, parseBearer } from './auth.js';
export { ReltoClient, type ReltoClientOptions } from './client.js';
export type { MetricsAccess } from './metrics.js';
export { acceptsTaxii, isTaxiiContentType, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './taxii/media.js';
export { apiRootPath } from './taxii/routes.js';
