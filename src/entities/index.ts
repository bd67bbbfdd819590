export { Automaton } from './automaton.js';
export {
  EntityFinder,
  type EntityKind,
  type GazetteerEntry,
  type Mention,
  type NameLang,
  nameFor,
} from './finder.js';
export { loadGazetteer } from './load.js';
