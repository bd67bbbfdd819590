export { addDays, addYears, dateAt, isValidTimeZone, parseDate, startOfDate } from './calendar.js';
export {
  allowsReleasesAt,
  type CompiledAgreement,
  type CompiledParty,
  type CompiledRegistry,
  compileBuiltinRegistry,
  compileRegistry,
  covers,
  equivalentLevel,
} from './compiled.js';
export {
  type AgreementState,
  type AgreementStatus,
  agreementStateAt,
  agreementStateOnDate,
  noticeTakesEffect,
  releasesAllowedIn,
  stateIntervals,
} from './lifecycle.js';
export { dataDir, loadBuiltinRegistry, readRegistryFile } from './load.js';
export * from './schema.js';
export {
  assertValidRegistry,
  type RegistryCheckOptions,
  type RegistryProblem,
  registryProblems,
} from './validate.js';
