export { DEFAULT_FIXED_OBJECTS, loadReltoStixObjects } from './fixed-objects.js';
export {
  LABEL_CREATED,
  LABEL_EXTENSION_ID,
  PORTIONS_EXTENSION_ID,
  partyIdentityId,
  RELTO_IDENTITY_ID,
} from './ids.js';
export { DEFAULT_SCHEMA_DIR, loadOasisSchemas, oasisValidator } from './load-schemas.js';
export {
  type AlternativeLabel,
  alternativeMarking,
  isAlternativeMarking,
  isReltoMarking,
  type LabelMarking,
  labelExtension,
  labelMarkingId,
  labelToMarking,
  markingIdOf,
  markingToAlternative,
  markingToLabel,
  reltoExtensionOf,
} from './marking.js';
export { isRedacted, type Portion, portionSelector, portionsOf, withPortions } from './portions.js';
export {
  bannerInputs,
  type CarriedLabel,
  floorMarkingId,
  isFixedObject,
  type ResolveLabel,
  redact,
  type TextScope,
  textScopes,
} from './redact.js';
export { isRequiredProperty, requiredProperties } from './required.js';
export { parseSelector, type SelectorPath, type Unit, unitOf, valueAt } from './selectors.js';
export {
  createStixValidator,
  type StixIssue,
  type StixValidator,
  type StixValidatorOptions,
  withTypeUnions,
} from './validator.js';
