export { type LabelColumns, labelColumns, objectInput } from './columns.js';
export { labelBundle } from './label-bundle.js';
export { checkLabel, resolveMarkings } from './markings.js';
export { postObjects, readPost } from './post.js';
export { type Remarked, type Remarking, remark } from './remark.js';
export { type Admission, learnMarkings, markingInput, storeAdmission } from './store.js';
