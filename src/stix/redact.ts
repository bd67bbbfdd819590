import type { Label } from '../label/index.js';
import { LABEL_EXTENSION_ID, PORTIONS_EXTENSION_ID, partyIdentityId, RELTO_IDENTITY_ID } from './ids.js';
import { isRequiredProperty } from './required.js';
import { isPrefix, parseSelector, type SelectorPath, type Unit, unitOf, valueAt } from './selectors.js';

type StixObject = Record<string, unknown>;

interface GranularMarking {
  selectors: string[];
  marking_ref?: string;
  lang?: string;
}

/** Resolves a marking-definition id to the relto label it carries; undefined for any other marking. */
export type ResolveLabel = (markingId: string) => Label | undefined;

/**
 * The fixed objects of relto-stix-objects.json (identities, the two extension definitions): served as they
 * are, with no label (contracts §6).
 */
export function isFixedObject(object: StixObject): boolean {
  if (object.object_marking_refs !== undefined || object.granular_markings !== undefined) return false;
  const id = object.id;
  if (id === RELTO_IDENTITY_ID || id === LABEL_EXTENSION_ID || id === PORTIONS_EXTENSION_ID) return true;
  return (
    object.type === 'identity' &&
    typeof object.x_relto_party === 'string' &&
    id === partyIdentityId(object.x_relto_party)
  );
}

function refsOf(object: StixObject): string[] {
  const refs = object.object_marking_refs;
  return Array.isArray(refs) ? refs.filter((r): r is string => typeof r === 'string') : [];
}

function granularOf(object: StixObject): GranularMarking[] {
  const g = object.granular_markings;
  return Array.isArray(g) ? (g as GranularMarking[]) : [];
}

/**
 * The floor label's id: the one relto label in `object_marking_refs` (contracts §6). Null when there is
 * none, or more than one (such an object is malformed and must not be stored or served).
 */
export function floorMarkingId(
  object: StixObject,
  isReltoLabel: (markingId: string) => boolean,
): string | null {
  const relto = refsOf(object).filter(isReltoLabel);
  return relto.length === 1 ? relto[0] : null;
}

/** One label an object carries, for the banner (R7): the floor, then each granular relto label once. */
export interface CarriedLabel {
  markingId: string;
  label: Label;
  floor: boolean;
}

/** The labels (floor + granular) an object carries: the inputs of its banner (R7), never stored. */
export function bannerInputs(object: StixObject, resolveLabel: ResolveLabel): CarriedLabel[] {
  const out: CarriedLabel[] = [];
  const floor = floorMarkingId(object, (id) => resolveLabel(id) !== undefined);
  if (floor !== null) out.push({ markingId: floor, label: resolveLabel(floor)!, floor: true });
  const seen = new Set(floor === null ? [] : [floor]);
  for (const g of granularOf(object)) {
    const id = g.marking_ref;
    if (id === undefined || seen.has(id)) continue;
    const label = resolveLabel(id);
    if (label === undefined) continue;
    seen.add(id);
    out.push({ markingId: id, label, floor: false });
  }
  return out;
}

function deletePath(object: StixObject, path: SelectorPath): void {
  // Walk down, delete the leaf, then remove parents the deletion left empty (the schemas refuse empty
  // dictionaries such as `extensions` or `hashes`).
  const parents: { holder: Record<string, unknown>; key: string }[] = [];
  let cur: unknown = object;
  for (const t of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || typeof t !== 'string') return;
    if (!Object.hasOwn(cur, t)) return;
    parents.push({ holder: cur as Record<string, unknown>, key: t });
    cur = (cur as Record<string, unknown>)[t];
  }
  for (let i = parents.length - 1; i >= 0; i--) {
    const { holder, key } = parents[i];
    const v = holder[key];
    const empty =
      i === parents.length - 1 ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (!empty || i === 0) {
      if (empty) delete holder[key];
      break;
    }
    delete holder[key];
  }
}

/**
 * What `reader` may see of `object` ("Serving a reader", contracts §6; R7, R10):
 * - the floor label (the one relto label in `object_marking_refs`) unreadable, absent or ambiguous → null;
 * - under a granular relto label the reader may not read: a selected optional property is removed, a
 *   selected portion becomes `{"withheld": true}`, a selected item of any other list withholds the whole
 *   property; a required property withheld → null;
 * - the granular markings of what was withheld are dropped (they would reveal its level), an emptied
 *   `granular_markings` is omitted, and `"redacted": true` goes in the relto portions extension.
 * Markings `resolveLabel` does not resolve (TLP, statements) are kept and never used for access, so the
 * resolver must know every relto label the node holds. Marking-definitions and the fixed objects pass as
 * they are. The input is never modified; when nothing is withheld it is returned itself.
 */
export function redact<T extends StixObject>(
  object: T,
  resolveLabel: ResolveLabel,
  mayRead: (label: Label) => boolean,
): T | null {
  if (object.type === 'marking-definition' || isFixedObject(object)) return object;
  const readable = new Map<string, boolean>();
  const canRead = (id: string): boolean | undefined => {
    const known = readable.get(id);
    if (known !== undefined) return known;
    const label = resolveLabel(id);
    if (label === undefined) return undefined;
    const ok = mayRead(label);
    readable.set(id, ok);
    return ok;
  };

  const floor = floorMarkingId(object, (id) => resolveLabel(id) !== undefined);
  if (floor === null || canRead(floor) !== true) return null;

  const units: Unit[] = [];
  for (const g of granularOf(object)) {
    if (g.marking_ref === undefined || canRead(g.marking_ref) !== false) continue;
    for (const s of g.selectors ?? []) units.push(unitOf(s));
  }
  if (units.length === 0) return object;

  const out: StixObject = structuredClone(object);
  let withheld = false;
  // Shorter paths first: once a property is gone, what lies under it needs no further work.
  const properties = units
    .filter((u) => u.kind === 'property')
    .sort((a, b) => a.path.length - b.path.length)
    .map((u) => u.path);
  for (const path of properties) {
    const top = path[0] as string;
    // A required property cannot go: the object goes instead (checked against what is left, so that
    // withholding both of two alternatives, e.g. a location's region and country, is caught).
    if (path.length === 1 && isRequiredProperty(out, top)) return null;
    if (valueAt(out, path) === undefined) continue;
    deletePath(out, path);
    withheld = true;
    // A nested removal may have emptied, and so removed, a required top-level property.
    if (out[top] === undefined && isRequiredProperty({ ...out, [top]: object[top] }, top)) return null;
  }
  for (const u of units) {
    if (u.kind !== 'portion') continue;
    const list = valueAt(out, u.path.slice(0, 3));
    if (Array.isArray(list) && u.index < list.length) {
      const item = list[u.index] as { withheld?: unknown } | null;
      if (item?.withheld !== true) withheld = true;
      list[u.index] = { withheld: true };
    }
  }

  // Drop every selector that pointed into withheld content, or at something no longer there.
  const withheldPaths = units.map((u) => u.path);
  const kept: GranularMarking[] = [];
  for (const g of granularOf(out)) {
    const selectors = (g.selectors ?? []).filter((s) => {
      const path = parseSelector(s);
      if (withheldPaths.some((w) => isPrefix(w, path))) return false;
      return valueAt(out, path) !== undefined;
    });
    if (selectors.length > 0) kept.push({ ...g, selectors });
  }
  if (kept.length > 0) out.granular_markings = kept;
  else delete out.granular_markings;

  // A marking that selected nothing present withheld nothing, but its marking is gone all the same.
  if (!withheld) return out as T;
  const extensions = (out.extensions as Record<string, Record<string, unknown>> | undefined) ?? {};
  extensions[PORTIONS_EXTENSION_ID] = {
    ...(extensions[PORTIONS_EXTENSION_ID] ?? { extension_type: 'property-extension' }),
    redacted: true,
  };
  out.extensions = extensions;
  // Still a T: only optional properties were removed (required ones make the object absent instead).
  return out as T;
}

/** Text of one scope of an object, and every relto label a reader must be able to read to see it. */
export interface TextScope {
  /** The floor label first, then the granular labels over this text, sorted. */
  markingIds: string[];
  text: string;
}

// Properties that hold no searchable text: identity, time, references, markings.
const NOT_TEXT = new Set([
  'type',
  'id',
  'spec_version',
  'created',
  'modified',
  'object_marking_refs',
  'granular_markings',
  'extension_type',
  'lang',
]);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function collectText(value: unknown, path: SelectorPath, out: { path: SelectorPath; text: string }[]): void {
  if (typeof value === 'string') {
    if (value !== '' && !TIMESTAMP.test(value)) out.push({ path, text: value });
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) collectText(v, [...path, i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (NOT_TEXT.has(k) || k.endsWith('_ref') || k.endsWith('_refs')) continue;
      collectText(v, [...path, k], out);
    }
  }
}

/**
 * The object's text split by what protects it, for a search index that must never match on text a reader
 * may not see: the floor scope (text under the floor label only) and one scope per distinct set of granular
 * relto labels over a property or portion. A reader may search a scope's text only if they may read every
 * label in `markingIds`. Empty when the object has no floor label.
 */
export function textScopes(object: StixObject, isReltoLabel: (markingId: string) => boolean): TextScope[] {
  const floor = floorMarkingId(object, isReltoLabel);
  if (floor === null) return [];
  const marked: { path: SelectorPath; id: string }[] = [];
  for (const g of granularOf(object)) {
    if (g.marking_ref === undefined || !isReltoLabel(g.marking_ref)) continue;
    for (const s of g.selectors ?? []) marked.push({ path: unitOf(s).path, id: g.marking_ref });
  }
  if (marked.length === 0) {
    // No granular relto label: every text is the floor's, in the same order (no paths to compare).
    const texts: string[] = [];
    collectTexts(object, texts);
    return [{ markingIds: [floor], text: texts.join('\n') }];
  }
  return scopesOf(object, floor, marked);
}

/** collectText without the paths, for an object whose text all falls under its floor label. */
function collectTexts(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    if (value !== '' && !TIMESTAMP.test(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectTexts(value[i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const k of Object.keys(value)) {
      if (NOT_TEXT.has(k) || k.endsWith('_ref') || k.endsWith('_refs')) continue;
      collectTexts((value as Record<string, unknown>)[k], out);
    }
  }
}

/** textScopes when granular relto labels cover parts of the object (exported for its test only). */
export function scopesOf(
  object: StixObject,
  floor: string,
  marked: readonly { path: SelectorPath; id: string }[],
): TextScope[] {
  const leaves: { path: SelectorPath; text: string }[] = [];
  collectText(object, [], leaves);
  const scopes = new Map<string, TextScope>();
  scopes.set(floor, { markingIds: [floor], text: '' });
  for (const leaf of leaves) {
    const ids = [...new Set(marked.filter((m) => isPrefix(m.path, leaf.path)).map((m) => m.id))]
      .filter((id) => id !== floor)
      .sort();
    const markingIds = [floor, ...ids];
    const key = markingIds.join(' ');
    const scope = scopes.get(key) ?? { markingIds, text: '' };
    scope.text = scope.text === '' ? leaf.text : `${scope.text}\n${leaf.text}`;
    scopes.set(key, scope);
  }
  return [...scopes.values()].filter((s) => s.text !== '' || s.markingIds.length === 1);
}
