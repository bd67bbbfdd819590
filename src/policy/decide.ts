import { type ReasonCode, ReltoError, reasonCodes } from '../errors/index.js';
import type { Consent, Label } from '../label/index.js';
import {
  allowsReleasesAt,
  type CompiledAgreement,
  type CompiledParty,
  type CompiledRegistry,
  covers,
  equivalentLevel,
} from '../registry/index.js';
import type { Level } from '../registry/schema.js';
import type { Answer, DecisionRequest, MarkObligation, Principal, Reason } from './schema.js';

/*
 * The rules engine (R9–R18, R21, R24, R33; contracts §4). Deny by default: every failing rule sets one bit,
 * the answer lists the codes in the order of the contract's table, and only an empty set permits.
 * The engine is a pure function of (registry, request); it allocates little because every read path of a
 * node (lists, search, streams) asks it once per object.
 */

/** The reason codes in the order the contract's table lists them (answers keep this order). */
const ORDER: ReasonCode[] = [
  'UNKNOWN_PARTY',
  'UNKNOWN_LEVEL',
  'UNKNOWN_AGREEMENT',
  'NOT_OFFICIAL',
  'CLEARANCE_TOO_LOW',
  'NEED_TO_KNOW',
  'NOT_RELEASABLE_TO_PARTY',
  'NOFORN',
  'DESIGNATION_REQUIRED',
  'LEVEL_NOT_COVERED',
  'NO_AGREEMENT',
  'OUT_OF_SCOPE',
  'THIRD_PARTY_CONSENT_REQUIRED',
  'ORCON_CONSENT_REQUIRED',
  'PURPOSE_CONSENT_REQUIRED',
  'ROLE_REQUIRED',
  'AGREEMENT_NOT_IN_FORCE',
  'RELAY_REQUIRED',
];
const BIT = Object.fromEntries(ORDER.map((code, i) => [code, 1 << i])) as Record<ReasonCode, number>;

const REASONS: Reason[] = ORDER.map((code) =>
  Object.freeze({ code, rule: reasonCodes[code].rule, message: reasonCodes[code].message }),
);

/** Reasons per mask, built once per distinct combination (there are few in practice). */
const reasonLists = new Map<number, Reason[]>();
function reasonsFor(mask: number): Reason[] {
  let list = reasonLists.get(mask);
  if (!list) {
    list = [];
    for (let i = 0; i < ORDER.length; i++) if (mask & (1 << i)) list.push(REASONS[i]);
    Object.freeze(list);
    reasonLists.set(mask, list);
  }
  return list;
}

/** The codes of a mask, in table order (for callers that only need codes). */
export function codesOf(mask: number): ReasonCode[] {
  return reasonsFor(mask).map((r) => r.code);
}

/*
 * Answers are values: every distinct answer is built once, frozen and shared, so a decision allocates
 * nothing on its way out. Callers must not (and cannot) mutate them.
 */
const NONE = Object.freeze([]) as unknown as never[];
const PERMIT: Answer = Object.freeze({ decision: 'permit', reasons: NONE, obligations: NONE });
const denials = new Map<number, Answer>();
/** A direct-mapped cache in front of `denials`: most decisions repeat a handful of masks. */
const SLOTS = 256;
const slotMask = new Int32Array(SLOTS).fill(-1);
const slotAnswer: Answer[] = new Array<Answer>(SLOTS).fill(PERMIT);
function denial(mask: number): Answer {
  const slot = (mask ^ (mask >>> 8) ^ (mask >>> 16)) & (SLOTS - 1);
  if (slotMask[slot] === mask) return slotAnswer[slot];
  let a = denials.get(mask);
  if (!a) {
    a = Object.freeze({ decision: 'deny', reasons: reasonsFor(mask), obligations: NONE }) as Answer;
    denials.set(mask, a);
  }
  slotMask[slot] = mask;
  slotAnswer[slot] = a;
  return a;
}
const markedPermits = new Map<string, Map<string, Map<string, Answer>>>();
function markedPermit(originator: string, party: string, level: string): Answer {
  let byParty = markedPermits.get(originator);
  if (!byParty) {
    byParty = new Map();
    markedPermits.set(originator, byParty);
  }
  let byLevel = byParty.get(party);
  if (!byLevel) {
    byLevel = new Map();
    byParty.set(party, byLevel);
  }
  let a = byLevel.get(level);
  if (!a) {
    const mark = Object.freeze({
      type: 'mark',
      originator,
      classification: Object.freeze({ party, level }),
    }) as MarkObligation;
    a = Object.freeze({ decision: 'permit', reasons: NONE, obligations: [mark] }) as Answer;
    byLevel.set(level, a);
  }
  return a;
}

/** Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil), without allocating a Date. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Two decimal digits at `i`, or -1 if either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/**
 * Parses an RFC 3339 instant (the request schema's date-time) to epoch ms. Requests carry many distinct
 * instants, and Date.parse is the slowest step of a decision, so the common form is read by hand in
 * straight-line code; anything unusual falls back to Date.parse.
 */
export function instant(iso: string): number {
  const n = iso.length;
  if (n < 20 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45 || iso.charCodeAt(13) !== 58) {
    return Date.parse(iso);
  }
  const hi = two(iso, 0);
  const lo = two(iso, 2);
  const mo = two(iso, 5);
  const d = two(iso, 8);
  const h = two(iso, 11);
  const mi = two(iso, 14);
  const se = two(iso, 17);
  if ((hi | lo | mo | d | h | mi | se) < 0) return Date.parse(iso);
  let i = 19;
  let ms = 0;
  if (iso.charCodeAt(i) === 46) {
    let scale = 100;
    i++;
    for (; i < n; i++) {
      const c = iso.charCodeAt(i) - 48;
      if (c >>> 0 > 9) break;
      ms += c * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  let offset = 0;
  const z = iso.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i !== n - 1) return Date.parse(iso);
  } else if ((z === 43 || z === 45) && i === n - 6 && iso.charCodeAt(i + 3) === 58) {
    const oh = two(iso, i + 1);
    const om = two(iso, i + 4);
    if ((oh | om) < 0) return Date.parse(iso);
    offset = (oh * 60 + om) * 60_000 * (z === 43 ? 1 : -1);
  } else {
    return Date.parse(iso);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return Date.parse(iso);
  return ((daysFromCivil(hi * 100 + lo, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms - offset;
}

const EMPTY: readonly string[] = Object.freeze([]);

function malformed(message: string, path: string): never {
  throw new ReltoError('MALFORMED_REQUEST', message, path);
}

/*
 * The request's instant, read only when a rule needs it (consents, an agreement's state): most reads never
 * do, and skipping them spares each such decision a parse and a string's cache miss. Decisions are
 * synchronous, so one slot serves every call.
 */
let requestAt = '';
let requestAtMs = 0;
let requestAtParsed = false;
function requestInstant(): number {
  if (!requestAtParsed) {
    requestAtMs = instant(requestAt);
    requestAtParsed = true;
  }
  return requestAtMs;
}

/**
 * Does the label's i-th consent count: given by the originator, at or before `at`, unexpired and unrevoked
 * (§3)? A prepared view holds its consents' instants parsed; others are parsed here.
 */
function consentCounts(label: LabelView, i: number): boolean {
  const c = label.consents![i];
  if (c.by !== label.originator || c.revoked === true) return false;
  const atMs = requestInstant();
  const times = label.consentTimes;
  if (times !== undefined) return times[2 * i] <= atMs && times[2 * i + 1] > atMs;
  // Written so that an instant that does not parse (NaN) never counts.
  if (!(instant(c.at) <= atMs)) return false;
  return c.expires === undefined || instant(c.expires) > atMs;
}

/** A prepared label's consents' instants: given at and expiring at (Infinity: never), two per consent. */
function consentTimesOf(consents: readonly Consent[] | undefined): number[] {
  const out: number[] = [];
  if (consents) {
    for (const c of consents)
      out.push(instant(c.at), c.expires === undefined ? Infinity : instant(c.expires));
  }
  return out;
}

/*
 * Requests arrive as JSON with optional properties present or absent, so labels and principals come in
 * many hidden classes and every property read is megamorphic. Each decision therefore reads a label and a
 * principal through a fixed-shape view holding the fields the rules use and what they derive from them
 * (parties, levels, caveat flags, the codes R1 checks). A view comes either from the engine's scratch
 * records, filled for this one call, or, for a label or principal prepared once with prepareLabel() /
 * preparePrincipal() (as a node holds its marking-definitions and a session its person), from the view
 * built when it was prepared. Either way the same rule code below reads it.
 */
class LabelView {
  // The fields every decision reads come first: V8 lays them out in this order, so most decisions touch
  // the first two or three cache lines of a view.
  /** The registry this view was derived with (a prepared view is reused only with it). */
  registry: CompiledRegistry | undefined = undefined;
  /** UNKNOWN_PARTY / UNKNOWN_LEVEL bits the label alone causes (R1). */
  unknown = 0;
  originator = '';
  /** The originator's party and the label's level, when the registry knows them. */
  party: CompiledParty | undefined = undefined;
  level: Level | undefined = undefined;
  designations: readonly string[] = EMPTY;
  /** Releasable To as bits of the registry's party list (see bitOf), for the hot R11 check. */
  releasableBits = 0;
  /** Restrictive categories other than Designation, for need-to-know (R10). */
  needToKnow = false;
  /** A prepared view's restrictive values but Designation (see valueId): bits, and ids beyond them. */
  needBits = 0;
  needRest: readonly number[] | undefined = undefined;
  noforn = false;
  orcon = false;
  purpose: string | undefined = undefined;
  consents: readonly Consent[] | undefined = undefined;
  /** A prepared view's consents' instants (see consentTimesOf). */
  consentTimes: readonly number[] | undefined = undefined;
  /*
   * How the last reader party reads a classified foreign item under `readUnder` (R2, R3, R6, R14, R24):
   * the agreement it is held under, the bits that reading alone sets, and the equivalent level with its
   * rank (-1: no clearance comparison). A label is read by one party under one agreement far more often
   * than not, so this one-entry memo spares the agreement lookups of most decisions.
   */
  readReader = '';
  readUnder: string | undefined = undefined;
  readMask = 0;
  readRank = -1;
  readMark: string | undefined = undefined;
  readVia: CompiledAgreement | undefined = undefined;
  /** The last marked permit answered for this label, by reader and level (answers are shared values). */
  permitReader = '';
  permitLevel = '';
  permitAnswer: Answer | undefined = undefined;
  // Read on some paths only.
  releasableTo: readonly string[] | undefined = undefined;
  restrictive: Record<string, string[]> | undefined = undefined;
  topics: readonly string[] | undefined = undefined;
  caveats: readonly string[] | undefined = undefined;
  classification = '';
  /** The global tier (§4); valid once tierKnown. */
  tier: string | undefined = undefined;
  tierKnown = false;
  /** A prepared view's frozen label. */
  source: Label | undefined = undefined;
}

class PrincipalView {
  // The fields every decision reads first (see LabelView).
  registry: CompiledRegistry | undefined = undefined;
  /** UNKNOWN_PARTY / UNKNOWN_LEVEL bits the principal alone causes (R1). */
  unknown = 0;
  party = '';
  /** The reader's party and the rank of their clearance (-1 when unknown). */
  partyOf: CompiledParty | undefined = undefined;
  /** The reader's party as a bit of the registry's party list (0 beyond 31 parties: the lists are scanned). */
  partyBit = 0;
  clearanceRank = -1;
  official = false;
  contractor = false;
  /** A prepared view's restrictive holdings (see valueId): bits, and ids beyond them. */
  holdBits = 0;
  holdRest: ReadonlySet<number> | undefined = undefined;
  releasingOfficer = false;
  securityOfficer = false;
  designations: readonly string[] | undefined = undefined;
  restrictive: Record<string, string[]> | undefined = undefined;
  roles: readonly string[] = EMPTY;
  clearance = '';
  /** A prepared view's frozen principal. */
  source: Principal | undefined = undefined;
}

/** The scratch views: decisions are synchronous, so one pair serves every call on unprepared input. */
const L = new LabelView();
const P = new PrincipalView();

/*
 * The copy walks each object's own keys with for-in: V8 reads `obj[key]` inside such a loop through the
 * object's enum cache, which stays fast however many shapes the inputs come in, where named reads of a
 * property that is sometimes absent miss the megamorphic inline cache.
 */
function fillLabel(v: LabelView, reg: CompiledRegistry, label: Record<string, unknown>): LabelView {
  v.releasableTo = undefined;
  v.restrictive = undefined;
  v.caveats = undefined;
  v.topics = undefined;
  v.purpose = undefined;
  v.consents = undefined;
  for (const key in label) {
    const x = label[key];
    switch (key) {
      case 'originator':
        v.originator = x as string;
        break;
      case 'classification':
        v.classification = x as string;
        break;
      case 'releasableTo':
        v.releasableTo = x as string[];
        break;
      case 'restrictive':
        v.restrictive = x as Record<string, string[]>;
        break;
      case 'caveats':
        v.caveats = x as string[];
        break;
      case 'topics':
        v.topics = x as string[];
        break;
      case 'purpose':
        v.purpose = x as string;
        break;
      case 'consents':
        v.consents = x as Consent[];
        break;
    }
  }
  const restrictive = v.restrictive;
  v.designations = restrictive?.Designation ?? EMPTY;
  v.needToKnow = false;
  if (restrictive) for (const category in restrictive) if (category !== 'Designation') v.needToKnow = true;
  v.noforn = includes(v.caveats, 'NOFORN');
  v.orcon = includes(v.caveats, 'ORCON');
  v.registry = reg;
  v.tier = undefined;
  v.tierKnown = false;
  v.readReader = '';
  v.permitReader = '';
  // R1: the codes the label names.
  let unknown = 0;
  const party = partyOf(reg, v.originator);
  v.party = party;
  // The registry's own string: later comparisons with other codes taken from it are pointer compares.
  if (party) v.originator = party.def.code;
  v.level = party?.levels.get(v.classification);
  if (party === undefined) unknown |= BIT.UNKNOWN_PARTY;
  else if (v.level === undefined) unknown |= BIT.UNKNOWN_LEVEL;
  const rt = v.releasableTo;
  let bits = 0;
  if (rt !== undefined) {
    for (let i = 0; i < rt.length; i++) {
      const index = partyIndex(reg, rt[i]);
      if (index < 0) unknown |= BIT.UNKNOWN_PARTY;
      bits |= bitOf(index);
    }
  }
  v.releasableBits = bits;
  const consents = v.consents;
  if (consents) {
    const known = reg.partyCodes;
    for (let i = 0; i < consents.length; i++) {
      const c = consents[i];
      if (!known.has(c.by)) unknown |= BIT.UNKNOWN_PARTY;
      if (c.to !== undefined && !known.has(c.to)) unknown |= BIT.UNKNOWN_PARTY;
      if (c.holder !== undefined && !known.has(c.holder)) unknown |= BIT.UNKNOWN_PARTY;
    }
  }
  v.unknown = unknown;
  return v;
}

function fillPrincipal(
  v: PrincipalView,
  reg: CompiledRegistry,
  principal: Record<string, unknown>,
): PrincipalView {
  v.designations = undefined;
  v.restrictive = undefined;
  v.roles = EMPTY;
  v.official = false;
  v.contractor = false;
  for (const key in principal) {
    const x = principal[key];
    switch (key) {
      case 'party':
        v.party = x as string;
        break;
      case 'clearance':
        v.clearance = x as string;
        break;
      case 'designations':
        v.designations = x as string[];
        break;
      case 'restrictive':
        v.restrictive = x as Record<string, string[]>;
        break;
      case 'roles':
        v.roles = x as string[];
        break;
      case 'official':
        v.official = x === true;
        break;
      case 'contractor':
        v.contractor = x === true;
        break;
    }
  }
  v.releasingOfficer = includes(v.roles, 'releasing-officer');
  v.securityOfficer = includes(v.roles, 'security-officer');
  v.registry = reg;
  const index = partyIndex(reg, v.party);
  const party = index < 0 ? undefined : reg.partyList[index];
  v.partyOf = party;
  if (party) v.party = party.def.code;
  v.partyBit = bitOf(index);
  const clearance = party?.levels.get(v.clearance);
  v.clearanceRank = clearance === undefined ? -1 : clearance.rank;
  v.unknown = party === undefined ? BIT.UNKNOWN_PARTY : clearance === undefined ? BIT.UNKNOWN_LEVEL : 0;
  return v;
}

/*
 * Prepared labels and principals are views built once from a deep-frozen copy (so they can never go
 * stale): a node prepares each marking-definition's label once and each session's person once, and every
 * later decision on them skips reading and deriving, and reads one fixed-shape object instead of two.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A label prepared for many decisions under one registry (opaque: pass it as a request's item.label). */
export type PreparedLabel = LabelView;
/** A principal prepared for many decisions under one registry (opaque: pass it as a request's principal). */
export type PreparedPrincipal = PrincipalView;

/** A decision request whose label and principal may be prepared ones (contracts §4 otherwise). */
export interface DecisionInput extends Omit<DecisionRequest, 'principal' | 'item'> {
  principal: Principal | PreparedPrincipal;
  item: Omit<DecisionRequest['item'], 'label'> & { label: Label | PreparedLabel };
}

/** Prepares `label` for decisions under `reg`; the argument is copied, never altered. */
export function prepareLabel(reg: CompiledRegistry, label: Label): PreparedLabel {
  const source = deepFreeze(structuredClone(label));
  const view = fillLabel(new LabelView(), reg, source as unknown as Record<string, unknown>);
  view.source = source;
  prepareNeeds(view);
  view.consentTimes = consentTimesOf(view.consents);
  return view;
}

/** Prepares `principal` (a session's person) for decisions under `reg`; the argument is never altered. */
export function preparePrincipal(reg: CompiledRegistry, principal: Principal): PreparedPrincipal {
  const source = deepFreeze(structuredClone(principal));
  const view = fillPrincipal(new PrincipalView(), reg, source as unknown as Record<string, unknown>);
  view.source = source;
  prepareHoldings(view);
  return view;
}

/** The label a prepared label was made from (frozen), or the label itself. */
export function labelOf(label: Label | PreparedLabel): Label {
  return label instanceof LabelView ? label.source! : label;
}

/** The principal a prepared principal was made from (frozen), or the principal itself. */
export function principalOf(principal: Principal | PreparedPrincipal): Principal {
  return principal instanceof PrincipalView ? principal.source! : principal;
}

function labelView(reg: CompiledRegistry, label: Label | PreparedLabel): LabelView {
  if (label instanceof LabelView) {
    if (label.registry === reg) return label;
    label = label.source!;
  }
  return fillLabel(L, reg, label as unknown as Record<string, unknown>);
}

function principalView(reg: CompiledRegistry, principal: Principal | PreparedPrincipal): PrincipalView {
  if (principal instanceof PrincipalView) {
    if (principal.registry === reg) return principal;
    principal = principal.source!;
  }
  return fillPrincipal(P, reg, principal as unknown as Record<string, unknown>);
}

/** §4: the item's global tier, derived once per view. */
function tierOfView(reg: CompiledRegistry, v: LabelView): string | undefined {
  if (!v.tierKnown) {
    v.tier = reg.tierOf(v.originator, v.level!.id, v.designations);
    v.tierKnown = true;
  }
  return v.tier;
}

/** R11/R15: a `{"to"}` consent by the originator naming the party. */
function hasToConsent(label: LabelView, party: string): boolean {
  const consents = label.consents;
  if (!consents) return false;
  for (let i = 0; i < consents.length; i++) {
    const c = consents[i];
    if (c.to === party && consentCounts(label, i)) return true;
  }
  return false;
}

/** R16: an `{"actions"}` consent for this action and holder. */
function hasActionConsent(label: LabelView, action: string, holder: string): boolean {
  const consents = label.consents;
  if (!consents) return false;
  for (let i = 0; i < consents.length; i++) {
    const c = consents[i];
    if (c.actions === undefined || (c.holder !== undefined && c.holder !== holder)) continue;
    if ((c.actions as string[]).includes(action) && consentCounts(label, i)) return true;
  }
  return false;
}

/** R17: a `{"purpose"}` consent for this purpose and holder. */
function hasPurposeConsent(label: LabelView, purpose: string, holder: string): boolean {
  const consents = label.consents;
  if (!consents) return false;
  for (let i = 0; i < consents.length; i++) {
    const c = consents[i];
    if (c.purpose !== purpose || (c.holder !== undefined && c.holder !== holder)) continue;
    if (consentCounts(label, i)) return true;
  }
  return false;
}

function includes(list: readonly string[] | undefined, value: string): boolean {
  if (!list) return false;
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

/** R14/R24: topics all inside an agreement's scope (an item without topics is outside any scope). */
function inScope(agreement: CompiledAgreement, topics: readonly string[] | undefined): boolean {
  const scope = agreement.scope;
  if (scope === null) return true;
  if (!topics || topics.length === 0) return false;
  for (let i = 0; i < topics.length; i++) if (!scope.has(topics[i])) return false;
  return true;
}

/** R10: contractors pass where the agreement the item is held under (a relay: both legs) allows them. */
function contractorsAllowed(
  reg: CompiledRegistry,
  via: CompiledAgreement | undefined,
  originator: string,
  reader: string,
): boolean {
  if (via === undefined) return false;
  if (via.kind !== 'relay') return via.contractorsAllowed;
  const hub = via.hub!;
  const first = reg.bilateral(originator, hub);
  const second = reader === hub ? first : reg.bilateral(hub, reader);
  return first !== undefined && second !== undefined && first.contractorsAllowed && second.contractorsAllowed;
}

/**
 * A party by code. Registries hold a handful of parties, so a scan comparing (usually interned) strings
 * beats hashing the code on every lookup of this hot path.
 */
function partyIndex(reg: CompiledRegistry, code: string): number {
  const list = reg.partyList;
  for (let i = 0; i < list.length; i++) if (list[i].def.code === code) return i;
  return -1;
}

function partyOf(reg: CompiledRegistry, code: string): CompiledParty | undefined {
  const i = partyIndex(reg, code);
  return i < 0 ? undefined : reg.partyList[i];
}

/**
 * How `reader` reads a classified foreign item received under `receivedUnder` (memoised in the view): the
 * agreement it is held under and the leg whose table gives the equivalence (R24: a relayed item is held
 * under the hub–reader leg, the originator–hub leg for the hub itself), scope (R14, R24), coverage and the
 * equivalent level (R2, R3, R6).
 */
function readingOf(
  reg: CompiledRegistry,
  label: LabelView,
  reader: string,
  receivedUnder: string | undefined,
  received: CompiledAgreement | undefined,
  pParty: CompiledParty,
): void {
  const originator = label.originator;
  const levelId = label.level!.id;
  const designations = label.designations;
  const tier = tierOfView(reg, label);
  const via = received ?? reg.bilateral(originator, reader);
  let mask = 0;
  let mark: string | undefined;
  let rank = -1;
  if (!via) {
    mask |= BIT.NO_AGREEMENT; // R14
  } else {
    if (!inScope(via, label.topics)) mask |= BIT.OUT_OF_SCOPE; // R14, R24
    let readingLeg: CompiledAgreement | undefined;
    let covered: boolean;
    if (via.kind === 'relay') {
      const hub = via.hub!;
      readingLeg = reader === hub ? reg.bilateral(originator, hub) : reg.bilateral(hub, reader);
      covered = tier !== undefined && via.rows.has(tier) && readingLeg !== undefined;
      if (readingLeg === undefined) mask |= BIT.NO_AGREEMENT;
      else covered = covered && covers(readingLeg, tier, originator, levelId, designations);
    } else {
      readingLeg = via;
      covered = covers(via, tier, originator, levelId, designations);
    }
    if (readingLeg !== undefined) {
      const eq = covered ? equivalentLevel(readingLeg, tier!, reader) : undefined;
      if (eq === undefined) {
        mask |= BIT.LEVEL_NOT_COVERED; // R2, R3: no clearance comparison then
      } else {
        mark = eq;
        rank = pParty.levels.get(eq)!.rank;
      }
    }
  }
  label.readReader = reader;
  label.readUnder = receivedUnder;
  label.readVia = via;
  label.readMask = mask;
  label.readMark = mark;
  label.readRank = rank;
}

/*
 * Prepared views hold restrictive values as small numbers: each distinct (category, value) pair gets one
 * the first time a view is prepared with it, the first 31 as bits. A need-to-know check is then a mask test.
 */
const valueIds = new Map<string, number>();
function valueId(category: string, value: string): number {
  const key = `${category}\u0000${value}`;
  let id = valueIds.get(key);
  if (id === undefined) {
    id = valueIds.size;
    valueIds.set(key, id);
  }
  return id;
}

/** The interned ids of restrictive values (but those of `skip`): the first 31 as bits, the rest listed. */
function restrictiveIds(
  restrictive: Record<string, readonly string[]> | undefined,
  skip?: string,
): { bits: number; rest: number[] } {
  let bits = 0;
  const rest: number[] = [];
  if (restrictive) {
    for (const category in restrictive) {
      if (category === skip) continue;
      for (const value of restrictive[category]!) {
        const id = valueId(category, value);
        if (id < 31) bits |= 1 << id;
        else rest.push(id);
      }
    }
  }
  return { bits, rest };
}

/** Every restrictive value of a prepared label but Designation: bits, and ids beyond the bits. */
function prepareNeeds(v: LabelView): void {
  const { bits, rest } = restrictiveIds(v.restrictive, 'Designation');
  v.needBits = bits;
  v.needRest = rest;
}

/** Every restrictive value a prepared principal holds: bits, and ids beyond the bits. */
function prepareHoldings(v: PrincipalView): void {
  const { bits, rest } = restrictiveIds(v.restrictive);
  v.holdBits = bits;
  v.holdRest = new Set(rest);
}

/**
 * R10 need-to-know: does the principal hold every restrictive value of the label but Designation? Prepared
 * views compare value ids; others walk the two records.
 */
function needToKnowMet(label: LabelView, principal: PrincipalView): boolean {
  const needRest = label.needRest;
  const holdRest = principal.holdRest;
  if (needRest !== undefined && holdRest !== undefined) {
    if ((label.needBits & ~principal.holdBits) !== 0) return false;
    for (let i = 0; i < needRest.length; i++) if (!holdRest.has(needRest[i])) return false;
    return true;
  }
  const restrictive = label.restrictive!;
  for (const category in restrictive) {
    if (category === 'Designation') continue;
    const needed = restrictive[category];
    const held = principal.restrictive?.[category];
    for (let i = 0; i < needed.length; i++) if (!includes(held, needed[i])) return false;
  }
  return true;
}

/** A party's bit (its index in the registry's list), or 0 when unknown or beyond 31 parties. */
function bitOf(index: number): number {
  return index >= 0 && index < 31 ? 1 << index : 0;
}

/** R11: is `reader` (of `bit`) in the label's Releasable To? */
function releasableTo(label: LabelView, reader: string, bit: number): boolean {
  return bit !== 0 ? (label.releasableBits & bit) !== 0 : includes(label.releasableTo, reader);
}

/** R1: every party code, level and agreement id the request names must be known; else only those codes. */
function unknownMask(
  reg: CompiledRegistry,
  req: DecisionInput,
  holder: string | undefined,
  label: LabelView,
  principal: PrincipalView,
): number {
  let mask = label.unknown | principal.unknown;
  // A holder other than the reader was refused as malformed before, so it is known when the reader is.
  if (holder !== undefined && holder !== principal.party && partyOf(reg, holder) === undefined)
    mask |= BIT.UNKNOWN_PARTY;
  const release = req.release;
  if (release !== undefined) {
    if (partyOf(reg, release.to) === undefined) mask |= BIT.UNKNOWN_PARTY;
    if (release.under !== undefined && !reg.agreements.has(release.under)) mask |= BIT.UNKNOWN_AGREEMENT;
  }
  return mask;
}

/** The outcome as a bit mask plus the mark level, before it is shaped into an answer. */
export interface Verdict {
  mask: number;
  /** The reader's level to mark a permitted foreign item with (R6), when the action carries a mark. */
  markLevel: string | undefined;
}

/**
 * Decides a request, returning the reasons as a bit mask (see `codesOf`) and the mark level.
 * Throws ReltoError MALFORMED_REQUEST for the malformed cases of §4 (holder ≠ principal's party, …).
 * The request's shape must already be valid (validateDecisionRequest).
 */
export function evaluate(reg: CompiledRegistry, req: DecisionInput): Verdict {
  const mask = evaluateMask(reg, req);
  return { mask, markLevel: lastMarkLevel };
}

/**
 * The mark level of the last evaluateMask() call: the hot path returns a bare number so a decision
 * allocates nothing; JavaScript runs one call at a time, so the pair cannot interleave.
 */
let lastMarkLevel: string | undefined;
/** The originator and reader of that call, for the mark obligation (same reasoning). */
let lastOriginator = '';
let lastReader = '';
let lastLabel: LabelView = L;

function evaluateMask(reg: CompiledRegistry, req: DecisionInput): number {
  lastMarkLevel = undefined;
  const item = req.item;
  const principalIn = req.principal;
  const labelIn = item.label;
  const action = req.action;
  requestAt = req.at;
  requestAtParsed = false;
  const label = labelView(reg, labelIn);
  const principal = principalView(reg, principalIn);
  const reader = principal.party;
  const itemHolder = item.holder;
  const receivedUnder = item.receivedUnder;
  const holder = itemHolder ?? reader;
  // §4: a person handles only what their own node holds.
  if (holder !== reader) malformed('item.holder must be the principal’s party', '/item/holder');

  const received = receivedUnder === undefined ? undefined : reg.agreements.get(receivedUnder);
  let unknown = unknownMask(reg, req, itemHolder, label, principal);
  if (receivedUnder !== undefined && received === undefined) unknown |= BIT.UNKNOWN_AGREEMENT;
  if (unknown !== 0) return unknown;

  if (received && !received.parties.has(holder)) {
    malformed(`agreement ${received.id} does not include the holder ${holder}`, '/item/receivedUnder');
  }
  const release = req.release;
  if (action === 'release') {
    if (!release) malformed('a release needs "release": {"to": PARTY}', '/release');
    if (release.to === holder) malformed('a release to the holder itself', '/release/to');
    if (release.under !== undefined) {
      const under = reg.agreements.get(release.under)!;
      if (!under.parties.has(holder) || !under.parties.has(release.to)) {
        malformed(
          `agreement ${under.id} does not include both ${holder} and ${release.to}`,
          '/release/under',
        );
      }
    }
  }

  // R18 for report-compromise: the security officer's role and nothing else (§4).
  if (action === 'report-compromise') return principal.securityOfficer ? 0 : BIT.ROLE_REQUIRED;

  const originator = label.originator;
  const pParty = principal.partyOf!;
  const level = label.level!;
  const unclassified = level.rank === 0; // R33
  const foreign = originator !== reader;
  const designations = label.designations;
  let mask = 0;
  let markLevel: string | undefined;

  // The agreement the reader holds a foreign item under (R14, R24) and what reading under it sets.
  let via: CompiledAgreement | undefined;
  if (foreign && !unclassified) {
    if (label.readReader !== reader || label.readUnder !== receivedUnder) {
      readingOf(reg, label, reader, receivedUnder, received, pParty);
    }
    via = label.readVia;
    mask |= label.readMask;
    markLevel = label.readMark;
    if (principal.clearanceRank < label.readRank) mask |= BIT.CLEARANCE_TOO_LOW; // R10
  } else if (!unclassified) {
    if (principal.clearanceRank < level.rank) mask |= BIT.CLEARANCE_TOO_LOW; // R10
  } else if (foreign) {
    markLevel = pParty.unclassified.id; // R33, R6: an unclassified foreign item is marked with rank 0
  }

  // R10: officials, or contractors for own items or where the agreement allows them; not for rank 0.
  if (!unclassified) {
    if (principal.contractor) {
      if (foreign && !contractorsAllowed(reg, via, originator, reader)) mask |= BIT.NOT_OFFICIAL;
    } else if (!principal.official) {
      mask |= BIT.NOT_OFFICIAL;
    }
  }

  // R10 need-to-know: every restrictive value but Designation (R13 handles that).
  if (label.needToKnow && !needToKnowMet(label, principal)) mask |= BIT.NEED_TO_KNOW;

  // R11: a reader of another party needs Releasable To or the originator's consent.
  if (foreign && !releasableTo(label, reader, principal.partyBit) && !hasToConsent(label, reader)) {
    mask |= BIT.NOT_RELEASABLE_TO_PARTY;
  }

  // R12: NOFORN never reaches another party, by reading or by release.
  if (label.noforn) {
    if (foreign || (action === 'release' && release!.to !== originator)) mask |= BIT.NOFORN;
  }

  // R13: a designation binds readers of the designating party only.
  for (let i = 0; i < designations.length; i++) {
    const owner = reg.designationOwner.get(designations[i]);
    if (owner === reader && !includes(principal.designations, designations[i]))
      mask |= BIT.DESIGNATION_REQUIRED;
  }

  // R16: ORCON copies, translations, prints and exports by anyone but the originator need consent.
  if (
    label.orcon &&
    foreign &&
    (action === 'copy' || action === 'translate' || action === 'print' || action === 'export') &&
    !hasActionConsent(label, action, holder)
  ) {
    mask |= BIT.ORCON_CONSENT_REQUIRED;
  }

  // R17: another purpose than the one the item was provided for (foreign items, both purposes stated).
  if (foreign && label.purpose !== undefined) {
    const purpose = req.purpose;
    if (purpose !== undefined && purpose !== label.purpose && !hasPurposeConsent(label, purpose, holder)) {
      mask |= BIT.PURPOSE_CONSENT_REQUIRED;
    }
  }

  // R18: roles.
  if (action === 'release') {
    if (!principal.releasingOfficer) mask |= BIT.ROLE_REQUIRED;
    mask |= releaseMask(reg, release!, label, holder, tierOfView(reg, label), unclassified);
  } else if (action === 'destroy' && !principal.securityOfficer) {
    mask |= BIT.ROLE_REQUIRED;
  }

  const marks =
    foreign &&
    (action === 'read' ||
      action === 'copy' ||
      action === 'translate' ||
      action === 'print' ||
      action === 'export' ||
      action === 'destroy');
  lastMarkLevel = marks ? markLevel : undefined;
  lastOriginator = originator;
  lastReader = reader;
  lastLabel = label;
  return mask;
}

/** R14–R17, R21, R24 for a release: consent, the leg agreement, its state, coverage and the relay. */
function releaseMask(
  reg: CompiledRegistry,
  release: NonNullable<DecisionRequest['release']>,
  label: LabelView,
  holder: string,
  tier: string | undefined,
  unclassified: boolean,
): number {
  const atMs = requestInstant();
  const originator = label.originator;
  const to = release.to;
  const level = label.classification;
  const designations = label.designations;
  let mask = 0;

  if (holder === originator) {
    // R11 for the originator: Releasable To, or its own consent naming the recipient.
    if (!includes(label.releasableTo, to) && !hasToConsent(label, to)) mask |= BIT.NOT_RELEASABLE_TO_PARTY;
  } else if (to !== originator && !hasToConsent(label, to)) {
    mask |= BIT.THIRD_PARTY_CONSENT_REQUIRED; // R15, R16: whatever Releasable To says
  }

  // R33: unclassified items need no agreement, tier or coverage.
  if (unclassified) return mask;

  const under = release.under === undefined ? undefined : reg.agreements.get(release.under);
  let legMissingOrClosed = false;
  if (under?.kind === 'relay') {
    if (holder !== under.hub) return mask | BIT.RELAY_REQUIRED; // R24: only the hub passes items on
    const hubLeg = reg.bilateral(holder, to);
    if (!hubLeg) mask |= BIT.NO_AGREEMENT;
    if (!allowsReleasesAt(under, atMs) || (hubLeg && !allowsReleasesAt(hubLeg, atMs))) {
      mask |= BIT.AGREEMENT_NOT_IN_FORCE; // R21
    }
    if (!inScope(under, label.topics)) mask |= BIT.OUT_OF_SCOPE; // R24
    if (
      tier === undefined ||
      !under.rows.has(tier) ||
      (hubLeg && !covers(hubLeg, tier, originator, level, designations))
    ) {
      mask |= BIT.LEVEL_NOT_COVERED;
    }
    return mask;
  }

  const leg = under ?? reg.bilateral(holder, to);
  if (!leg) {
    mask |= BIT.NO_AGREEMENT; // R14
    legMissingOrClosed = true;
  } else {
    if (!allowsReleasesAt(leg, atMs)) {
      mask |= BIT.AGREEMENT_NOT_IN_FORCE; // R21
      legMissingOrClosed = true;
    }
    if (!inScope(leg, label.topics)) mask |= BIT.OUT_OF_SCOPE;
    if (!covers(leg, tier, originator, level, designations)) mask |= BIT.LEVEL_NOT_COVERED; // R2
  }
  // R24: say so when a relay in force would carry what the direct leg cannot.
  if (legMissingOrClosed) {
    for (const relay of reg.relays) {
      if (
        relay.parties.has(holder) &&
        relay.parties.has(to) &&
        relay.hub !== holder &&
        relay.hub !== to &&
        allowsReleasesAt(relay, atMs) &&
        inScope(relay, label.topics) &&
        tier !== undefined &&
        relay.rows.has(tier)
      ) {
        mask |= BIT.RELAY_REQUIRED;
        break;
      }
    }
  }
  return mask;
}

/** Decides a request (contracts §4): permit only when no rule fails, with the mark obligation (R6). */
export function decide(reg: CompiledRegistry, req: DecisionInput): Answer {
  const mask = evaluateMask(reg, req);
  if (mask !== 0) return denial(mask);
  const markLevel = lastMarkLevel;
  if (markLevel === undefined) return PERMIT;
  const view = lastLabel;
  if (view.permitReader !== lastReader || view.permitLevel !== markLevel) {
    view.permitAnswer = markedPermit(lastOriginator, lastReader, markLevel);
    view.permitReader = lastReader;
    view.permitLevel = markLevel;
  }
  return view.permitAnswer!;
}

export { BIT as reasonBits, ORDER as reasonOrder };
