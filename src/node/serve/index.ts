export {
  type AddedRow,
  finish,
  getObject,
  limitOf,
  listObjects,
  manifest,
  markingIdsOf,
  readableAdded,
  type Seen,
  STIX_MEDIA_TYPE,
  see,
  versions,
  visibleLatest,
  visibleRows,
  type Wanted,
} from './read.js';
export { type ReaderLabel, readerBanners, readerLabel } from './reader-label.js';
export { SEARCH_COUNT_CAP, search } from './search.js';
