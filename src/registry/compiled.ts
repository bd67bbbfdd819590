import { intervalAt, type StateInterval, stateIntervals } from './lifecycle.js';
import { loadBuiltinRegistry } from './load.js';
import type { Agreement, Designation, Level, Party, Registry } from './schema.js';
import { assertValidRegistry, type RegistryCheckOptions } from './validate.js';

/** A party with its scheme indexed for lookups. */
export interface CompiledParty {
  def: Party;
  levels: Map<string, Level>;
  /** The unclassified level (rank 0, R33). */
  unclassified: Level;
  designations: Map<string, Designation>;
}

/** An agreement with its table indexed by tier and its lifecycle as instants. */
export interface CompiledAgreement {
  def: Agreement;
  id: string;
  kind: 'bilateral' | 'relay';
  hub: string | null;
  parties: ReadonlySet<string>;
  scope: ReadonlySet<string> | null;
  contractorsAllowed: boolean;
  /** tier → party → level and designation ids (first is the level used when marking, R6). */
  rows: Map<string, Map<string, readonly string[]>>;
  intervals: StateInterval[];
}

/**
 * The registry prepared for decisions: every lookup a decision makes is a Map get, and an agreement's
 * state at an instant is a binary search, so `decide()` never replays events or formats dates.
 */
export interface CompiledRegistry {
  source: Registry;
  parties: Map<string, CompiledParty>;
  /** The same parties as a list, for hot paths that scan a handful of codes. */
  partyList: CompiledParty[];
  /** The party codes, for the hot check that every code a request names is known (R1). */
  partyCodes: ReadonlySet<string>;
  agreements: Map<string, CompiledAgreement>;
  relays: CompiledAgreement[];
  /** Designation id → the party whose designation it is (R13). */
  designationOwner: Map<string, string>;
  /** The bilateral agreement between two parties, if any. */
  bilateral(a: string, b: string): CompiledAgreement | undefined;
  /** The global tier of a party's level (and designations) in that party's bilateral tables (§4). */
  tierOf(party: string, level: string, designations: readonly string[]): string | undefined;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Validates (contracts §2) and indexes a registry; throws ReltoError INVALID_REGISTRY. */
export function compileRegistry(input: unknown, options: RegistryCheckOptions = {}): CompiledRegistry {
  const source = assertValidRegistry(input, options);
  const parties = new Map<string, CompiledParty>();
  const designationOwner = new Map<string, string>();
  for (const def of source.parties) {
    const levels = new Map(def.levels.map((l) => [l.id, l]));
    const designations = new Map(def.designations.map((d) => [d.id, d]));
    for (const d of def.designations) designationOwner.set(d.id, def.code);
    parties.set(def.code, {
      def,
      levels,
      unclassified: def.levels.find((l) => l.rank === 0)!,
      designations,
    });
  }

  const agreements = new Map<string, CompiledAgreement>();
  const bilaterals = new Map<string, CompiledAgreement>();
  const relays: CompiledAgreement[] = [];
  for (const def of source.agreements) {
    const rows = new Map<string, Map<string, readonly string[]>>();
    for (const row of def.table) rows.set(row.tier, new Map(Object.entries(row.levels)));
    const compiled: CompiledAgreement = {
      def,
      id: def.id,
      kind: def.kind,
      hub: def.hub,
      parties: new Set(def.parties),
      scope: def.scopeTopics === null ? null : new Set(def.scopeTopics),
      contractorsAllowed: def.contractorsAllowed,
      rows,
      intervals: stateIntervals(def),
    };
    agreements.set(def.id, compiled);
    if (def.kind === 'bilateral') bilaterals.set(pairKey(def.parties[0], def.parties[1]), compiled);
    else relays.push(compiled);
  }

  const bilateralByParty = new Map<string, Map<string, CompiledAgreement>>();
  for (const ag of bilaterals.values()) {
    const [a, b] = ag.def.parties;
    if (!bilateralByParty.has(a)) bilateralByParty.set(a, new Map());
    if (!bilateralByParty.has(b)) bilateralByParty.set(b, new Map());
    bilateralByParty.get(a)!.set(b, ag);
    bilateralByParty.get(b)!.set(a, ag);
  }

  // Tier lookups, cached per (party, level, designations).
  const tierCache = new Map<string, string | null>();
  const plainTiers = new Map<string, Map<string, string | null>>();
  const tierOf = (party: string, level: string, designations: readonly string[]): string | undefined => {
    if (designations.length === 0) {
      // The common case without a designation: two Map gets, no key string.
      let byLevel = plainTiers.get(party);
      if (!byLevel) {
        byLevel = new Map();
        plainTiers.set(party, byLevel);
      }
      let t = byLevel.get(level);
      if (t === undefined) {
        t = slowTierOf(party, level, designations) ?? null;
        byLevel.set(level, t);
      }
      return t ?? undefined;
    }
    return slowTierOf(party, level, designations);
  };
  const slowTierOf = (party: string, level: string, designations: readonly string[]): string | undefined => {
    const key =
      designations.length === 0 ? `${party}:${level}` : `${party}:${level}:${designations.join(',')}`;
    const cached = tierCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found: string | null = null;
    for (const ag of bilaterals.values()) {
      if (!ag.parties.has(party)) continue;
      for (const [tier, byParty] of ag.rows) {
        const ids = byParty.get(party);
        if (ids?.includes(level) && designations.every((d) => ids.includes(d))) {
          found = tier;
          break;
        }
      }
      if (found !== null) break;
    }
    tierCache.set(key, found);
    return found ?? undefined;
  };

  return {
    source,
    parties,
    partyList: [...parties.values()],
    partyCodes: new Set(parties.keys()),
    agreements,
    relays,
    designationOwner,
    bilateral: (a, b) => bilateralByParty.get(a)?.get(b),
    tierOf,
  };
}

/** R21: does the agreement allow new releases at this instant? */
export function allowsReleasesAt(agreement: CompiledAgreement, atMs: number): boolean {
  return intervalAt(agreement.intervals, atMs).releasesAllowed;
}

/**
 * §4: an agreement covers an item when it carries the item's tier and, if the originator is one of its
 * parties, lists the item's level (and designations) in that row (R2, R3).
 */
export function covers(
  agreement: CompiledAgreement,
  tier: string | undefined,
  originator: string,
  level: string,
  designations: readonly string[],
): boolean {
  if (tier === undefined) return false;
  const row = agreement.rows.get(tier);
  if (!row) return false;
  if (!agreement.parties.has(originator) || agreement.kind === 'relay') return true;
  const ids = row.get(originator);
  if (!ids?.includes(level)) return false;
  for (const d of designations) if (!ids.includes(d)) return false;
  return true;
}

/** R6: the receiver's level in a tier of an agreement (the first listed), if any. */
export function equivalentLevel(
  agreement: CompiledAgreement,
  tier: string,
  party: string,
): string | undefined {
  return agreement.rows.get(tier)?.get(party)?.[0];
}

/** The registry shipped with relto, compiled (its meaning checked; its shape is checked by its tests). */
export function compileBuiltinRegistry(): CompiledRegistry {
  return compileRegistry(loadBuiltinRegistry(), { shapeKnown: true });
}
