export { advanceCompromise, listCompromises, reportCompromise } from './compromise.js';
export { destroyObject, listCustody, reclassify, recordCustody } from './custody.js';
