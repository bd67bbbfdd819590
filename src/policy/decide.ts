import { type ReasonCode, ReltoError, reasonCodes } from '../errors/index.js';
import type { Consent } from '../label/schema.js';
import {
  allowsReleasesAt,
  type CompiledAgreement,
  type CompiledParty,
  type CompiledRegistry,
  covers,
  equivalentLevel,
} from '../registry/index.js';
import type { Answer, DecisionRequest, MarkObligation, Reason } from './schema.js';

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
function denial(mask: number): Answer {
  let a = denials.get(mask);
  if (!a) {
    a = Object.freeze({ decision: 'deny', reasons: reasonsFor(mask), obligations: NONE }) as Answer;
    denials.set(mask, a);
  }
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

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parses an RFC 3339 instant (the request schema's date-time) to epoch ms. Requests carry many distinct
 * instants, and Date.parse is the slowest step of a decision, so the common form is read by hand;
 * anything unusual falls back to Date.parse.
 */
export function instant(iso: string): number {
  const n = iso.length;
  if (n >= 20 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45 && iso.charCodeAt(13) === 58) {
    const y = digits(iso, 0, 4);
    const mo = digits(iso, 5, 2);
    const d = digits(iso, 8, 2);
    const h = digits(iso, 11, 2);
    const mi = digits(iso, 14, 2);
    const se = digits(iso, 17, 2);
    let i = 19;
    let ms = 0;
    if (iso.charCodeAt(i) === 46) {
      let scale = 100;
      i++;
      while (i < n) {
        const c = iso.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        ms += c * scale;
        scale /= 10;
        i++;
      }
      ms = Math.floor(ms);
    }
    let offset = 0;
    const z = iso.charCodeAt(i);
    let ok = false;
    if ((z === 90 || z === 122) && i === n - 1) ok = true;
    else if ((z === 43 || z === 45) && i === n - 6 && iso.charCodeAt(i + 3) === 58) {
      const oh = digits(iso, i + 1, 2);
      const om = digits(iso, i + 4, 2);
      if (oh >= 0 && om >= 0) {
        offset = (oh * 60 + om) * 60_000 * (z === 43 ? 1 : -1);
        ok = true;
      }
    }
    if (
      ok &&
      y >= 0 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= 31 &&
      h >= 0 &&
      h <= 23 &&
      mi >= 0 &&
      mi <= 59 &&
      se >= 0 &&
      se <= 60
    ) {
      return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000 + ms - offset;
    }
  }
  return Date.parse(iso);
}

const EMPTY: readonly string[] = Object.freeze([]);

function malformed(message: string, path: string): never {
  throw new ReltoError('MALFORMED_REQUEST', message, path);
}

/** A consent counts only if the originator gave it, at or before `at`, unexpired and unrevoked (§3). */
function consentCounts(c: Consent, originator: string, atMs: number): boolean {
  if (c.by !== originator || c.revoked === true) return false;
  if (instant(c.at) > atMs) return false;
  return c.expires === undefined || instant(c.expires) > atMs;
}

/**
 * Requests arrive as JSON with optional properties present or absent, so labels and principals come in
 * many hidden classes and every property read is megamorphic. Each decision copies the fields it uses into
 * these two fixed-shape scratch records once, and the rules read only those: about 40% faster, with no
 * allocation. Decisions are synchronous, so one pair of records serves every call.
 */
interface LabelView {
  originator: string;
  classification: string;
  releasableTo: readonly string[] | undefined;
  restrictive: Record<string, string[]> | undefined;
  caveats: readonly string[] | undefined;
  topics: readonly string[] | undefined;
  purpose: string | undefined;
  consents: readonly Consent[] | undefined;
  designations: readonly string[];
}
const L: LabelView = {
  originator: '',
  classification: '',
  releasableTo: undefined,
  restrictive: undefined,
  caveats: undefined,
  topics: undefined,
  purpose: undefined,
  consents: undefined,
  designations: [],
};
interface PrincipalView {
  party: string;
  clearance: string;
  designations: readonly string[] | undefined;
  restrictive: Record<string, string[]> | undefined;
  roles: readonly string[];
  official: boolean;
  contractor: boolean;
}
const P: PrincipalView = {
  party: '',
  clearance: '',
  designations: undefined,
  restrictive: undefined,
  roles: [],
  official: false,
  contractor: false,
};

/*
 * The copy walks each object's own keys with for-in: V8 reads `obj[key]` inside such a loop through the
 * object's enum cache, which stays fast however many shapes the inputs come in, where named reads of a
 * property that is sometimes absent miss the megamorphic inline cache.
 */
function loadLabel(label: Record<string, unknown>): void {
  L.releasableTo = undefined;
  L.restrictive = undefined;
  L.caveats = undefined;
  L.topics = undefined;
  L.purpose = undefined;
  L.consents = undefined;
  for (const key in label) {
    const v = label[key];
    switch (key) {
      case 'originator':
        L.originator = v as string;
        break;
      case 'classification':
        L.classification = v as string;
        break;
      case 'releasableTo':
        L.releasableTo = v as string[];
        break;
      case 'restrictive':
        L.restrictive = v as Record<string, string[]>;
        break;
      case 'caveats':
        L.caveats = v as string[];
        break;
      case 'topics':
        L.topics = v as string[];
        break;
      case 'purpose':
        L.purpose = v as string;
        break;
      case 'consents':
        L.consents = v as Consent[];
        break;
    }
  }
  L.designations = L.restrictive?.Designation ?? EMPTY;
}

function loadPrincipal(principal: Record<string, unknown>): void {
  P.designations = undefined;
  P.restrictive = undefined;
  P.official = false;
  P.contractor = false;
  for (const key in principal) {
    const v = principal[key];
    switch (key) {
      case 'party':
        P.party = v as string;
        break;
      case 'clearance':
        P.clearance = v as string;
        break;
      case 'designations':
        P.designations = v as string[];
        break;
      case 'restrictive':
        P.restrictive = v as Record<string, string[]>;
        break;
      case 'roles':
        P.roles = v as string[];
        break;
      case 'official':
        P.official = v === true;
        break;
      case 'contractor':
        P.contractor = v === true;
        break;
    }
  }
}

function loadViews(req: DecisionRequest): void {
  loadLabel(req.item.label as unknown as Record<string, unknown>);
  loadPrincipal(req.principal as unknown as Record<string, unknown>);
}

/** R11/R15: a `{"to"}` consent by the originator naming the party. */
function hasToConsent(label: LabelView, party: string, atMs: number): boolean {
  const consents = label.consents;
  if (!consents) return false;
  for (let i = 0; i < consents.length; i++) {
    const c = consents[i];
    if (c.to === party && consentCounts(c, label.originator, atMs)) return true;
  }
  return false;
}

/** R16: an `{"actions"}` consent for this action and holder. */
function hasActionConsent(label: LabelView, action: string, holder: string, atMs: number): boolean {
  const consents = label.consents;
  if (!consents) return false;
  for (let i = 0; i < consents.length; i++) {
    const c = consents[i];
    if (c.actions === undefined || (c.holder !== undefined && c.holder !== holder)) continue;
    if ((c.actions as string[]).includes(action) && consentCounts(c, label.originator, atMs)) return true;
  }
  return false;
}

/** R17: a `{"purpose"}` consent for this purpose and holder. */
function hasPurposeConsent(label: LabelView, purpose: string, holder: string, atMs: number): boolean {
  const consents = label.consents;
  if (!consents) return false;
  for (let i = 0; i < consents.length; i++) {
    const c = consents[i];
    if (c.purpose !== purpose || (c.holder !== undefined && c.holder !== holder)) continue;
    if (consentCounts(c, label.originator, atMs)) return true;
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
function partyOf(reg: CompiledRegistry, code: string): CompiledParty | undefined {
  const list = reg.partyList;
  for (let i = 0; i < list.length; i++) if (list[i].def.code === code) return list[i];
  return undefined;
}

/** R1: every party code, level and agreement id the request names must be known; else only those codes. */
function unknownMask(reg: CompiledRegistry, req: DecisionRequest): number {
  let mask = 0;
  const { item } = req;
  const label = L;
  const principal = P;
  const pParty = partyOf(reg, principal.party);
  const oParty = partyOf(reg, label.originator);
  lastReaderParty = pParty;
  lastOriginatorParty = oParty;
  if (pParty === undefined || oParty === undefined) mask |= BIT.UNKNOWN_PARTY;
  if (item.holder !== undefined && partyOf(reg, item.holder) === undefined) mask |= BIT.UNKNOWN_PARTY;
  const rt = label.releasableTo;
  if (rt !== undefined) {
    const known = reg.partyCodes;
    for (let i = 0; i < rt.length; i++) if (!known.has(rt[i])) mask |= BIT.UNKNOWN_PARTY;
  }
  const consents = label.consents;
  if (consents) {
    for (let i = 0; i < consents.length; i++) {
      const c = consents[i];
      if (!reg.partyCodes.has(c.by)) mask |= BIT.UNKNOWN_PARTY;
      if (c.to !== undefined && !reg.partyCodes.has(c.to)) mask |= BIT.UNKNOWN_PARTY;
      if (c.holder !== undefined && !reg.partyCodes.has(c.holder)) mask |= BIT.UNKNOWN_PARTY;
    }
  }
  if (req.release && partyOf(reg, req.release.to) === undefined) mask |= BIT.UNKNOWN_PARTY;
  if (oParty && !oParty.levels.has(label.classification)) mask |= BIT.UNKNOWN_LEVEL;
  if (pParty && !pParty.levels.has(principal.clearance)) mask |= BIT.UNKNOWN_LEVEL;
  if (item.receivedUnder !== undefined && !reg.agreements.has(item.receivedUnder))
    mask |= BIT.UNKNOWN_AGREEMENT;
  if (req.release?.under !== undefined && !reg.agreements.has(req.release.under))
    mask |= BIT.UNKNOWN_AGREEMENT;
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
export function evaluate(reg: CompiledRegistry, req: DecisionRequest): Verdict {
  const mask = evaluateMask(reg, req);
  return { mask, markLevel: lastMarkLevel };
}

/**
 * The mark level of the last evaluateMask() call: the hot path returns a bare number so a decision
 * allocates nothing; JavaScript runs one call at a time, so the pair cannot interleave.
 */
let lastMarkLevel: string | undefined;
/** The reader's and originator's parties found by the last unknownMask() (same reasoning as above). */
let lastReaderParty: CompiledParty | undefined;
let lastOriginatorParty: CompiledParty | undefined;

function evaluateMask(reg: CompiledRegistry, req: DecisionRequest): number {
  lastMarkLevel = undefined;
  loadViews(req);
  const { item, action } = req;
  const label = L;
  const principal = P;
  const reader = principal.party;
  const holder = item.holder ?? reader;
  // §4: a person handles only what their own node holds.
  if (holder !== reader) malformed('item.holder must be the principal’s party', '/item/holder');

  const unknown = unknownMask(reg, req);
  if (unknown !== 0) return unknown;

  const received = item.receivedUnder === undefined ? undefined : reg.agreements.get(item.receivedUnder)!;
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

  const originator = label.originator;
  const oParty = lastOriginatorParty!;
  const pParty = lastReaderParty!;
  const atMs = instant(req.at);
  const roles = principal.roles;

  // R18 for report-compromise: the security officer's role and nothing else (§4).
  if (action === 'report-compromise') {
    return includes(roles, 'security-officer') ? 0 : BIT.ROLE_REQUIRED;
  }

  const level = oParty.levels.get(label.classification)!;
  const unclassified = level.rank === 0; // R33
  const foreign = originator !== reader;
  const restrictive = label.restrictive;
  const designations = label.designations;
  const caveats = label.caveats;
  let mask = 0;
  let markLevel: string | undefined;

  // The agreement the reader holds a foreign item under, and the leg whose table gives the equivalence.
  let readingLeg: CompiledAgreement | undefined;
  let via: CompiledAgreement | undefined;
  let tier: string | undefined;
  if (foreign && !unclassified) {
    tier = reg.tierOf(originator, level.id, designations);
    via = received ?? reg.bilateral(originator, reader);
    if (!via) {
      mask |= BIT.NO_AGREEMENT; // R14
    } else {
      if (!inScope(via, label.topics)) mask |= BIT.OUT_OF_SCOPE; // R14, R24
      let covered: boolean;
      if (via.kind === 'relay') {
        // R24: a relayed item is held under the hub–reader leg (the originator–hub leg for the hub itself).
        const hub = via.hub!;
        readingLeg = reader === hub ? reg.bilateral(originator, hub) : reg.bilateral(hub, reader);
        covered = tier !== undefined && via.rows.has(tier) && readingLeg !== undefined;
        if (readingLeg === undefined) mask |= BIT.NO_AGREEMENT;
        else covered = covered && covers(readingLeg, tier, originator, level.id, designations);
      } else {
        readingLeg = via;
        covered = covers(via, tier, originator, level.id, designations);
      }
      if (readingLeg !== undefined) {
        const eq = covered ? equivalentLevel(readingLeg, tier!, reader) : undefined;
        if (eq === undefined) {
          mask |= BIT.LEVEL_NOT_COVERED; // R2, R3: no clearance comparison then
        } else {
          markLevel = eq;
          if (pParty.levels.get(principal.clearance)!.rank < pParty.levels.get(eq)!.rank) {
            mask |= BIT.CLEARANCE_TOO_LOW; // R10
          }
        }
      }
    }
  } else if (!unclassified) {
    if (pParty.levels.get(principal.clearance)!.rank < level.rank) mask |= BIT.CLEARANCE_TOO_LOW; // R10
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
  if (restrictive) {
    for (const category in restrictive) {
      if (category === 'Designation') continue;
      const needed = restrictive[category];
      const held = principal.restrictive?.[category];
      for (let i = 0; i < needed.length; i++) {
        if (!includes(held, needed[i])) {
          mask |= BIT.NEED_TO_KNOW;
          break;
        }
      }
    }
  }

  // R11: a reader of another party needs Releasable To or the originator's consent.
  if (foreign && !includes(label.releasableTo, reader) && !hasToConsent(label, reader, atMs)) {
    mask |= BIT.NOT_RELEASABLE_TO_PARTY;
  }

  // R12: NOFORN never reaches another party, by reading or by release.
  if (includes(caveats, 'NOFORN')) {
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
    (action === 'copy' || action === 'translate' || action === 'print' || action === 'export') &&
    foreign &&
    includes(caveats, 'ORCON') &&
    !hasActionConsent(label, action, holder, atMs)
  ) {
    mask |= BIT.ORCON_CONSENT_REQUIRED;
  }

  // R17: another purpose than the one the item was provided for (foreign items, both purposes stated).
  if (
    foreign &&
    req.purpose !== undefined &&
    label.purpose !== undefined &&
    req.purpose !== label.purpose &&
    !hasPurposeConsent(label, req.purpose, holder, atMs)
  ) {
    mask |= BIT.PURPOSE_CONSENT_REQUIRED;
  }

  // R18: roles.
  if (action === 'release' && !includes(roles, 'releasing-officer')) mask |= BIT.ROLE_REQUIRED;
  if (action === 'destroy' && !includes(roles, 'security-officer')) mask |= BIT.ROLE_REQUIRED;

  if (action === 'release')
    mask |= releaseMask(
      reg,
      req,
      holder,
      tier ?? reg.tierOf(originator, level.id, designations),
      unclassified,
      atMs,
    );

  const marks =
    foreign &&
    (action === 'read' ||
      action === 'copy' ||
      action === 'translate' ||
      action === 'print' ||
      action === 'export' ||
      action === 'destroy');
  lastMarkLevel = marks ? markLevel : undefined;
  return mask;
}

/** R14–R17, R21, R24 for a release: consent, the leg agreement, its state, coverage and the relay. */
function releaseMask(
  reg: CompiledRegistry,
  req: DecisionRequest,
  holder: string,
  tier: string | undefined,
  unclassified: boolean,
  atMs: number,
): number {
  const label = L;
  const originator = label.originator;
  const to = req.release!.to;
  const level = label.classification;
  const designations = label.designations;
  let mask = 0;

  if (holder === originator) {
    // R11 for the originator: Releasable To, or its own consent naming the recipient.
    if (!includes(label.releasableTo, to) && !hasToConsent(label, to, atMs))
      mask |= BIT.NOT_RELEASABLE_TO_PARTY;
  } else if (to !== originator && !hasToConsent(label, to, atMs)) {
    mask |= BIT.THIRD_PARTY_CONSENT_REQUIRED; // R15, R16: whatever Releasable To says
  }

  // R33: unclassified items need no agreement, tier or coverage.
  if (unclassified) return mask;

  const under = req.release!.under === undefined ? undefined : reg.agreements.get(req.release!.under);
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
export function decide(reg: CompiledRegistry, req: DecisionRequest): Answer {
  const mask = evaluateMask(reg, req);
  const markLevel = lastMarkLevel;
  if (mask !== 0) return denial(mask);
  return markLevel === undefined
    ? PERMIT
    : markedPermit(req.item.label.originator, req.principal.party, markLevel);
}

export { BIT as reasonBits, ORDER as reasonOrder };
