export { type Banner, banner, bannerProblems } from './banner.js';
export { compareLevels, dominates, type LevelOrder, type LevelRef, levelOf, tierOrder } from './compare.js';
export { type Equivalent, type EquivalentResult, type NotCovered, receiverEquivalent } from './equivalent.js';
export { fromAcceptLanguage, isLang, partyLang, readerLang } from './lang.js';
export { type LabelRequest, makeLabel } from './make.js';
export { type Lang, langs, type MessageKey, type Messages, message, messages, t } from './messages.js';
export { nameContradiction } from './name.js';
export {
  labelKey,
  normaliseConsent,
  normaliseLabel,
  releasableParties,
  sameLabel,
  sortedSet,
} from './normalise.js';
export { type ReclassificationNotice, reclassify } from './reclassify.js';
export {
  type RenderBannerOptions,
  type RenderedLabel,
  type RenderedLevel,
  type RenderedParty,
  type RenderOptions,
  renderBanner,
  renderLabel,
} from './render.js';
// Schema types only: the TypeBox schema values live in ./schema.js, so a CLI call need not load TypeBox.
export type { Caveat, Consent, ConsentAction, Label } from './schema.js';
export { assertValidLabel, type LabelProblem, type LabelProblemKind, validateLabel } from './validate.js';
