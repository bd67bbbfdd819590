export {
  newDataKey,
  open,
  seal,
  unwrap,
  unwrapMany,
  wrap,
  wrapGcm,
  wrapMany,
} from './data-key.js';
