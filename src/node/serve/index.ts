export {
  type AddedRow,
  finish,
  getObject,
  limitOf,
  listObjects,
  manifest,
  markingIdsOf,
  readableAdded,
  STIX_MEDIA_TYPE,
  see,
  versions,
  visibleLatest,
} from './read.js';
export { type ReaderLabel, readerBanners, readerLabel } from './reader-label.js';
export { SEARCH_COUNT_CAP, search } from './search.js';
