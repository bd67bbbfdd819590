import { canonicalize, RELTO_NAMESPACE, uuidv5 } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import type { Label } from '../label/index.js';
import { LABEL_CREATED, LABEL_EXTENSION_ID, partyIdentityId } from './ids.js';

/** A relto label as a STIX marking-definition (contracts §6). */
export interface LabelMarking {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  created_by_ref: string;
  extensions: Record<string, Record<string, unknown>>;
}

/** A receiver-equivalent label (R6): the receiver's level for an originator's label under an agreement. */
export interface AlternativeLabel {
  /** The originator's marking-definition id. */
  alternativeOf: string;
  /** The receiving party, which creates this marking. */
  party: string;
  /** The receiver's equivalent level id. */
  classification: string;
  /** The agreement the equivalence comes from. */
  agreement: string;
}

const PARTY = /^[A-Z]{3}$/;
const LEVEL = /^[A-Za-z0-9_-]{1,32}$/;
const MARKING_ID =
  /^marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CAVEATS = new Set(['ORCON', 'NOFORN']);
const LABEL_KEYS = new Set([
  'extension_type',
  'originator',
  'classification',
  'releasable_to',
  'restrictive',
  'informative',
  'caveats',
  'topics',
  'purpose',
]);
const ALTERNATIVE_KEYS = new Set([
  'extension_type',
  'alternative_of',
  'party',
  'classification',
  'agreement',
]);

/** Sorted, de-duplicated; undefined when empty (contracts §6: empty lists are omitted, absent = empty). */
function normalList(values: readonly string[] | undefined, path: string): string[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' || v === '')) {
    throw new ReltoError('INVALID_LABEL', 'expected a list of non-empty strings', path);
  }
  const out = [...new Set(values)].sort();
  return out.length === 0 ? undefined : out;
}

function normalCategories(
  cats: Record<string, readonly string[]> | undefined,
  path: string,
): Record<string, string[]> | undefined {
  if (cats === undefined) return undefined;
  if (typeof cats !== 'object' || cats === null || Array.isArray(cats)) {
    throw new ReltoError('INVALID_LABEL', 'expected an object of category → values', path);
  }
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(cats).sort()) {
    if (key === '') throw new ReltoError('INVALID_LABEL', 'a category needs a name', path);
    const values = normalList(cats[key], `${path}/${key}`);
    if (values) out[key] = values;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * The value under the relto label extension for a label: snake_case, lists sorted and de-duplicated, empty
 * lists, objects and purpose omitted at every depth. Consents are left out: they travel as signed records.
 */
export function labelExtension(label: Label): Record<string, unknown> {
  if (typeof label.originator !== 'string' || !PARTY.test(label.originator)) {
    throw new ReltoError('INVALID_LABEL', 'originator must be a party code', '/originator');
  }
  if (typeof label.classification !== 'string' || !LEVEL.test(label.classification)) {
    throw new ReltoError('INVALID_LABEL', 'classification must be a level id', '/classification');
  }
  const ext: Record<string, unknown> = {
    extension_type: 'property-extension',
    originator: label.originator,
    classification: label.classification,
  };
  const releasableTo = normalList(label.releasableTo, '/releasableTo');
  if (releasableTo?.some((p) => !PARTY.test(p))) {
    throw new ReltoError('INVALID_LABEL', 'releasableTo lists party codes', '/releasableTo');
  }
  if (releasableTo) ext.releasable_to = releasableTo;
  const restrictive = normalCategories(label.restrictive, '/restrictive');
  if (restrictive) ext.restrictive = restrictive;
  const informative = normalCategories(label.informative, '/informative');
  if (informative) ext.informative = informative;
  const caveats = normalList(label.caveats, '/caveats');
  if (caveats?.some((c) => !CAVEATS.has(c))) {
    throw new ReltoError('INVALID_LABEL', 'caveats are ORCON or NOFORN', '/caveats');
  }
  if (caveats) ext.caveats = caveats;
  const topics = normalList(label.topics, '/topics');
  if (topics) ext.topics = topics;
  if (label.purpose !== undefined && typeof label.purpose !== 'string') {
    throw new ReltoError('INVALID_LABEL', 'purpose is text', '/purpose');
  }
  if (label.purpose) ext.purpose = label.purpose;
  return ext;
}

/** `marking-definition--` + UUIDv5 of the RFC 8785 form of the extension object (contracts §6). */
export function markingIdOf(extension: Record<string, unknown>): string {
  return `marking-definition--${uuidv5(canonicalize(extension), RELTO_NAMESPACE)}`;
}

/** The id of a label's marking-definition: the same on every node. */
export function labelMarkingId(label: Label): string {
  return markingIdOf(labelExtension(label));
}

function marking(extension: Record<string, unknown>, creator: string): LabelMarking {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: markingIdOf(extension),
    created: LABEL_CREATED,
    created_by_ref: partyIdentityId(creator),
    extensions: { [LABEL_EXTENSION_ID]: extension },
  };
}

/** The marking-definition carrying a label (contracts §6), created by the originator's identity. */
export function labelToMarking(label: Label): LabelMarking {
  return marking(labelExtension(label), label.originator);
}

/** The receiver-equivalent label marking (R6), created by the receiving party's identity. */
export function alternativeMarking(alt: AlternativeLabel): LabelMarking {
  return marking(alternativeExtension(alt), alt.party);
}

function alternativeExtension(alt: AlternativeLabel): Record<string, unknown> {
  if (typeof alt.alternativeOf !== 'string' || !MARKING_ID.test(alt.alternativeOf)) {
    throw new ReltoError('INVALID_LABEL', 'alternativeOf must be a marking-definition id', '/alternativeOf');
  }
  if (typeof alt.party !== 'string' || !PARTY.test(alt.party)) {
    throw new ReltoError('INVALID_LABEL', 'party must be a party code', '/party');
  }
  if (typeof alt.classification !== 'string' || !LEVEL.test(alt.classification)) {
    throw new ReltoError('INVALID_LABEL', 'classification must be a level id', '/classification');
  }
  if (typeof alt.agreement !== 'string' || alt.agreement === '') {
    throw new ReltoError('INVALID_LABEL', 'agreement must be an agreement id', '/agreement');
  }
  return {
    extension_type: 'property-extension',
    alternative_of: alt.alternativeOf,
    party: alt.party,
    classification: alt.classification,
    agreement: alt.agreement,
  };
}

/** The relto label extension of a marking-definition, or undefined when it carries none. */
export function reltoExtensionOf(md: unknown): Record<string, unknown> | undefined {
  if (typeof md !== 'object' || md === null) return undefined;
  const o = md as { type?: unknown; extensions?: Record<string, unknown> };
  if (o.type !== 'marking-definition' || typeof o.extensions !== 'object' || o.extensions === null)
    return undefined;
  const ext = o.extensions[LABEL_EXTENSION_ID];
  return typeof ext === 'object' && ext !== null && !Array.isArray(ext)
    ? (ext as Record<string, unknown>)
    : undefined;
}

/** True for a relto label or alternative-label marking-definition. */
export function isReltoMarking(md: unknown): boolean {
  return reltoExtensionOf(md) !== undefined;
}

/** True for a receiver-equivalent (alternative) label marking. */
export function isAlternativeMarking(md: unknown): boolean {
  const ext = reltoExtensionOf(md);
  return ext !== undefined && 'alternative_of' in ext;
}

/** The properties relto's own label marking-definition has (its normal form). */
const ENVELOPE_KEYS = new Set(['type', 'spec_version', 'id', 'created', 'created_by_ref', 'extensions']);

/**
 * Optional STIX properties other tools write on a marking-definition: accepted beside a label, never part
 * of it (the id is the hash of the label alone, and relto keeps and serves the normal form without them).
 */
const OPTIONAL_KEYS = new Set(['name', 'description', 'external_references']);

function checkEnvelope(md: Record<string, unknown>, expected: LabelMarking): void {
  // The posted object must be exactly what relto would make from its content: same id, same creator,
  // the fixed `created`, nothing else that a node could not understand.
  if (md.id !== expected.id) {
    throw new ReltoError(
      'LABEL_ID_MISMATCH',
      `the marking's id should be ${expected.id} for its content`,
      '/id',
      { expected: expected.id, actual: md.id },
    );
  }
  if (md.spec_version !== '2.1')
    throw new ReltoError('INVALID_LABEL', 'spec_version must be 2.1', '/spec_version');
  if (md.created !== LABEL_CREATED) {
    throw new ReltoError('INVALID_LABEL', `a label's created is always ${LABEL_CREATED}`, '/created');
  }
  if (md.created_by_ref !== expected.created_by_ref) {
    throw new ReltoError(
      'INVALID_LABEL',
      `created_by_ref must be ${expected.created_by_ref}`,
      '/created_by_ref',
    );
  }
  for (const key of Object.keys(md)) {
    if (!ENVELOPE_KEYS.has(key) && !OPTIONAL_KEYS.has(key)) {
      throw new ReltoError(
        'INVALID_LABEL',
        `a relto label marking has no ${key} (it may carry ${[...OPTIONAL_KEYS].join(', ')} beside its label)`,
        `/${key}`,
      );
    }
  }
  for (const key of ['name', 'description'] as const) {
    if (md[key] !== undefined && typeof md[key] !== 'string') {
      throw new ReltoError('INVALID_LABEL', `${key} must be a string`, `/${key}`);
    }
  }
  if (md.external_references !== undefined && !Array.isArray(md.external_references)) {
    throw new ReltoError('INVALID_LABEL', 'external_references must be a list', '/external_references');
  }
  if (Object.keys(md.extensions as object).length !== 1) {
    throw new ReltoError(
      'INVALID_LABEL',
      'a relto label marking carries only the relto label extension',
      '/extensions',
    );
  }
}

function extensionOrThrow(md: unknown): Record<string, unknown> {
  const ext = reltoExtensionOf(md);
  if (ext === undefined) {
    throw new ReltoError(
      'INVALID_LABEL',
      'not a relto label marking-definition',
      `/extensions/${LABEL_EXTENSION_ID}`,
    );
  }
  if (ext.extension_type !== 'property-extension') {
    throw new ReltoError(
      'INVALID_LABEL',
      'extension_type must be property-extension',
      `/extensions/${LABEL_EXTENSION_ID}/extension_type`,
    );
  }
  return ext;
}

function sameCanonical(a: unknown, b: unknown): boolean {
  return canonicalize(a) === canonicalize(b);
}

/**
 * The label a marking-definition carries (without consents). Refuses a marking whose id does not match its
 * content (LABEL_ID_MISMATCH), one not in relto's normal form, or one with anything relto does not know.
 */
export function markingToLabel(md: unknown): Label {
  const ext = extensionOrThrow(md);
  const base = `/extensions/${LABEL_EXTENSION_ID}`;
  if ('alternative_of' in ext) {
    throw new ReltoError('INVALID_LABEL', 'this is an alternative label; use markingToAlternative', base);
  }
  for (const key of Object.keys(ext)) {
    if (!LABEL_KEYS.has(key))
      throw new ReltoError('INVALID_LABEL', `unknown label property ${key}`, `${base}/${key}`);
  }
  const label: Label = {
    originator: ext.originator as string,
    classification: ext.classification as string,
  };
  if (ext.releasable_to !== undefined) label.releasableTo = ext.releasable_to as string[];
  if (ext.restrictive !== undefined) label.restrictive = ext.restrictive as Record<string, string[]>;
  if (ext.informative !== undefined) label.informative = ext.informative as Record<string, string[]>;
  if (ext.caveats !== undefined) label.caveats = ext.caveats as Label['caveats'];
  if (ext.topics !== undefined) label.topics = ext.topics as string[];
  if (ext.purpose !== undefined) label.purpose = ext.purpose as string;
  let normal: Record<string, unknown>;
  try {
    normal = labelExtension(label);
  } catch (e) {
    if (e instanceof ReltoError) throw new ReltoError(e.code, e.message, `${base}${snake(e.path)}`);
    throw e;
  }
  if (!sameCanonical(normal, ext)) {
    throw new ReltoError(
      'INVALID_LABEL',
      'lists must be sorted and de-duplicated, and empty lists and objects omitted (a label has one normal form)',
      base,
    );
  }
  checkEnvelope(md as Record<string, unknown>, marking(normal, label.originator));
  return labelFromExtension(normal);
}

/** The receiver-equivalent label a marking carries; refuses one whose id does not match its content. */
export function markingToAlternative(md: unknown): AlternativeLabel {
  const ext = extensionOrThrow(md);
  const base = `/extensions/${LABEL_EXTENSION_ID}`;
  for (const key of Object.keys(ext)) {
    if (!ALTERNATIVE_KEYS.has(key)) {
      throw new ReltoError('INVALID_LABEL', `unknown alternative label property ${key}`, `${base}/${key}`);
    }
  }
  const alt: AlternativeLabel = {
    alternativeOf: ext.alternative_of as string,
    party: ext.party as string,
    classification: ext.classification as string,
    agreement: ext.agreement as string,
  };
  let normal: Record<string, unknown>;
  try {
    normal = alternativeExtension(alt);
  } catch (e) {
    if (e instanceof ReltoError) throw new ReltoError(e.code, e.message, `${base}${snake(e.path)}`);
    throw e;
  }
  checkEnvelope(md as Record<string, unknown>, marking(normal, alt.party));
  return alt;
}

/**
 * The label of a relto label extension, read as it stands. For markings already checked by a node (what a
 * browser shows of what its node served): markingToLabel checks the id too, which takes a hash.
 */
export function labelFromExtension(ext: Record<string, unknown>): Label {
  const label: Label = { originator: ext.originator as string, classification: ext.classification as string };
  if (ext.releasable_to) label.releasableTo = [...(ext.releasable_to as string[])];
  if (ext.restrictive) label.restrictive = structuredClone(ext.restrictive as Record<string, string[]>);
  if (ext.informative) label.informative = structuredClone(ext.informative as Record<string, string[]>);
  if (ext.caveats) label.caveats = [...(ext.caveats as NonNullable<Label['caveats']>)];
  if (ext.topics) label.topics = [...(ext.topics as string[])];
  if (ext.purpose) label.purpose = ext.purpose as string;
  return label;
}

function snake(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
