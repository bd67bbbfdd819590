import type { Answer, DecisionRequest } from '../policy/schema.js';
import type { Agreement, Registry, TableRow } from '../registry/schema.js';

/**
 * The core check the peers of the policy bench express, and how relto's answer is read for it.
 *
 * Core check: (1) the reader's clearance ≥ the item's level — for a foreign item, ≥ the reader's equivalent
 * level in the agreement it was received under (none when that agreement does not cover the item: deny);
 * (2) the reader's party is the originator or in Releasable To; (3) need-to-know: the reader holds every
 * value of every restrictive category but Designation.
 *
 * The equivalence is data compiled from the registry once (as every peer would hold it): for each
 * (received-under agreement or none, originator, level, designations) the minimum clearance rank of each
 * reader party. `classKey` names that combination; the peers look it up, never compute it per request.
 */

/** Reason codes that mean "the core check failed" in relto's answer. */
export const CORE_CODES: ReadonlySet<string> = new Set([
  'CLEARANCE_TOO_LOW',
  'NEED_TO_KNOW',
  'NOT_RELEASABLE_TO_PARTY',
  'LEVEL_NOT_COVERED',
  'NO_AGREEMENT',
]);

/**
 * Whether relto's answer to `request` can be compared with the core check, and why not. Excluded:
 * - `release` and `report-compromise`: a release adds its leg agreement's coverage (its LEVEL_NOT_COVERED /
 *   NO_AGREEMENT concern the leg, not the reader), and a compromise report checks nothing else (§4);
 * - answers with an UNKNOWN_* code (they carry no other code, §4) or OUT_OF_SCOPE (coverage by topic);
 * - labels with a `{"to"}` consent naming the reader's party, which counts as Releasable To (R11) only
 *   when valid at the request's instant: the core check knows only the list.
 */
export function comparability(request: DecisionRequest, answer: Answer): string | null {
  if (request.action === 'release' || request.action === 'report-compromise') return request.action;
  for (const r of answer.reasons) {
    if (r.code.startsWith('UNKNOWN_')) return 'unknown code';
    if (r.code === 'OUT_OF_SCOPE') return 'out of scope';
  }
  const reader = request.principal.party;
  if (request.item.label.consents?.some((c) => c.to === reader)) return 'consent naming the reader';
  return null;
}

/** relto's core verdict: permit unless its answer names a core reason. */
export function reltoCoreVerdict(answer: Answer): boolean {
  for (const r of answer.reasons) if (CORE_CODES.has(r.code)) return false;
  return true;
}

/** The key of an item's (received under, originator, level, designations) combination. */
export function classKey(request: DecisionRequest): string {
  const label = request.item.label;
  const designations = label.restrictive?.Designation;
  const d = designations && designations.length > 0 ? [...designations].sort().join('+') : '';
  return `${request.item.receivedUnder ?? ''}|${label.originator}|${label.classification}|${d}`;
}

export interface CoreTable {
  /** classKey → reader party → minimum clearance rank. An absent reader: not covered, deny. */
  required: Map<string, Map<string, number>>;
  /** party → level id → rank (for the reader's clearance). */
  ranks: Map<string, Map<string, number>>;
}

function rowOf(agreement: Agreement, tier: string): TableRow | undefined {
  return agreement.table.find((r) => r.tier === tier);
}

/** The row lists the originator's level and every designation (a designated item needs both, §2). */
function rowLists(
  row: TableRow,
  originator: string,
  level: string,
  designations: readonly string[],
): boolean {
  const listed = row.levels[originator];
  return !!listed && listed.includes(level) && designations.every((d) => listed.includes(d));
}

/** Builds the equivalence data of contracts §4 from a registry (the peers' compiled policy data). */
export function buildCoreTable(registry: Registry): CoreTable {
  const ranks = new Map(registry.parties.map((p) => [p.code, new Map(p.levels.map((l) => [l.id, l.rank]))]));
  const bilateral = (a: string, b: string) =>
    registry.agreements.find((x) => x.kind === 'bilateral' && x.parties.includes(a) && x.parties.includes(b));

  // An item's tier: the tier of its level (and designation) in the originator's bilateral tables.
  const tierOf = (originator: string, level: string, designations: readonly string[]): string | undefined => {
    for (const a of registry.agreements) {
      if (a.kind !== 'bilateral' || !a.parties.includes(originator)) continue;
      for (const row of a.table) if (rowLists(row, originator, level, designations)) return row.tier;
    }
    return undefined;
  };

  // An agreement covers the item when it carries the tier and, if the originator is a party, lists the level.
  const coveredRow = (
    a: Agreement,
    tier: string,
    originator: string,
    level: string,
    designations: readonly string[],
  ): TableRow | undefined => {
    const row = rowOf(a, tier);
    if (!row) return undefined;
    if (a.parties.includes(originator) && !rowLists(row, originator, level, designations)) return undefined;
    return row;
  };

  const equivalentRank = (
    via: Agreement | undefined,
    originator: string,
    level: string,
    designations: readonly string[],
    reader: string,
  ): number | undefined => {
    const tier = tierOf(originator, level, designations);
    if (tier === undefined) return undefined;
    let leg: Agreement | undefined;
    if (via && via.kind === 'relay') {
      if (!rowOf(via, tier) || via.hub === null) return undefined;
      leg = reader === via.hub ? bilateral(originator, via.hub) : bilateral(via.hub, reader);
    } else leg = via ?? bilateral(originator, reader);
    if (!leg) return undefined;
    const row = coveredRow(leg, tier, originator, level, designations);
    const eq = row?.levels[reader]?.[0];
    return eq === undefined ? undefined : ranks.get(reader)?.get(eq);
  };

  const required = new Map<string, Map<string, number>>();
  const vias: (Agreement | undefined)[] = [undefined, ...registry.agreements];
  for (const origin of registry.parties) {
    const designationSets: string[][] = [[], ...origin.designations.map((d) => [d.id])];
    for (const level of origin.levels) {
      for (const designations of designationSets) {
        for (const via of vias) {
          const perReader = new Map<string, number>();
          for (const reader of registry.parties) {
            if (level.rank === 0)
              perReader.set(reader.code, 0); // R33: no agreement, tier or clearance
            else if (reader.code === origin.code) perReader.set(reader.code, level.rank);
            else {
              const r = equivalentRank(via, origin.code, level.id, designations, reader.code);
              if (r !== undefined) perReader.set(reader.code, r);
            }
          }
          required.set(`${via?.id ?? ''}|${origin.code}|${level.id}|${designations.join('+')}`, perReader);
        }
      }
    }
  }
  return { required, ranks };
}

/** The flat facts of one request that the prebuilt peers (Cedar, casbin) take as input. */
export interface CoreFacts {
  reader: string;
  /** The reader's clearance rank; -1 when unknown. */
  rank: number;
  /** Restrictive values the reader holds, as "Category:value". */
  need: string[];
  classKey: string;
  originator: string;
  releasableTo: string[];
  /** Restrictive values the item needs (every category but Designation), as "Category:value". */
  compartments: string[];
}

export function coreFacts(table: CoreTable, request: DecisionRequest): CoreFacts {
  const p = request.principal;
  const label = request.item.label;
  const flatten = (r: Record<string, string[]> | undefined) =>
    Object.entries(r ?? {})
      .filter(([category]) => category !== 'Designation')
      .flatMap(([category, values]) => values.map((v) => `${category}:${v}`));
  return {
    reader: p.party,
    rank: table.ranks.get(p.party)?.get(p.clearance) ?? -1,
    need: flatten(p.restrictive),
    classKey: classKey(request),
    originator: label.originator,
    releasableTo: label.releasableTo ?? [],
    compartments: flatten(label.restrictive),
  };
}

type Nested = Map<string, Map<string, Map<string, Map<string, Map<string, number>>>>>;

function child<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let m = map.get(key);
  if (!m) {
    m = new Map();
    map.set(key, m);
  }
  return m;
}

/** The hand-written core check on the raw request: the ceiling the engines are measured against. */
export function createHandCheck(table: CoreTable): (request: DecisionRequest) => boolean {
  const { ranks } = table;
  // received under → originator → level → designations → reader → rank: lookups without building a key.
  const nested: Nested = new Map();
  for (const [key, perReader] of table.required) {
    const [via, originator, level, designations] = key.split('|') as [string, string, string, string];
    const byOriginator = child(nested, via);
    const byLevel = child(byOriginator, originator);
    child(byLevel, level).set(designations, perReader);
  }
  return (request) => {
    const p = request.principal;
    const label = request.item.label;
    const reader = p.party;
    const designations = label.restrictive?.Designation;
    const d =
      designations === undefined || designations.length === 0
        ? ''
        : designations.length === 1
          ? designations[0]!
          : [...designations].sort().join('+');
    const need = nested
      .get(request.item.receivedUnder ?? '')
      ?.get(label.originator)
      ?.get(label.classification)
      ?.get(d)
      ?.get(reader);
    if (need === undefined) return false;
    const rank = ranks.get(reader)?.get(p.clearance);
    if (rank === undefined || rank < need) return false;
    if (reader !== label.originator && !label.releasableTo?.includes(reader)) return false;
    const restrictive = label.restrictive;
    if (restrictive) {
      for (const category in restrictive) {
        if (category === 'Designation') continue;
        const held = p.restrictive?.[category];
        for (const value of restrictive[category]!) if (!held?.includes(value)) return false;
      }
    }
    return true;
  };
}
