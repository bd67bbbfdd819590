import { ReltoError } from '../errors/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import type { Label } from './schema.js';

/** A level of one party's scheme. */
export interface LevelRef {
  party: string;
  level: string;
}

/** How level `a` stands to level `b`. */
export type LevelOrder = 'below' | 'equal' | 'above' | 'incomparable';

/**
 * The order of all levels of all schemes, as a reachability matrix over (party, level) nodes.
 * It is the smallest preorder that contains:
 * - each party's own ranks (R1);
 * - the global tiers: two levels in the same tier of the registry's bilateral tables are equal (§2);
 * - R33: every rank-0 level is equal to every other (unclassified is below everything classified).
 * Everything else follows by transitivity. So a level that no table lists (KOR `R`, 대외비) is compared
 * through its own scheme: 대외비 is above every unclassified level and below every level at or above the
 * tier of 군사III급비밀 (C), because 대외비 < 군사III급비밀 ≡ C. Two untiered levels of different schemes,
 * or tiers no scheme relates, are `incomparable`. A designation (TOKUTEI, R3) is not a rank and plays no
 * part here.
 */
interface Order {
  index: Map<string, number>;
  /** le[i][j]: node i ≤ node j. */
  le: boolean[][];
  tiers: string[];
}

const orders = new WeakMap<CompiledRegistry, Order>();

function key(party: string, level: string): string {
  return `${party}\u0000${level}`;
}

function buildOrder(reg: CompiledRegistry): Order {
  const index = new Map<string, number>();
  const nodes: { party: string; level: string; rank: number; tier: string | undefined }[] = [];
  for (const [code, party] of reg.parties) {
    for (const level of party.def.levels) {
      index.set(key(code, level.id), nodes.length);
      nodes.push({ party: code, level: level.id, rank: level.rank, tier: reg.tierOf(code, level.id, []) });
    }
  }
  const n = nodes.length;
  const le = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === j));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = nodes[i];
      const b = nodes[j];
      if (a.party === b.party && a.rank <= b.rank) le[i][j] = true;
      if (a.tier !== undefined && a.tier === b.tier) le[i][j] = true;
      if (a.rank === 0 && b.rank === 0) le[i][j] = true;
    }
  }
  // Transitive closure (Floyd–Warshall); a registry has a few dozen levels at most.
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) if (le[i][k]) for (let j = 0; j < n; j++) if (le[k][j]) le[i][j] = true;

  // Tiers from lowest to highest, by any representative level (ties, which a sane registry lacks, by id).
  const rep = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (node.tier !== undefined && !rep.has(node.tier)) rep.set(node.tier, i);
  });
  const tiers = [...rep.keys()].sort((x, y) => {
    const i = rep.get(x)!;
    const j = rep.get(y)!;
    if (le[i][j] && !le[j][i]) return -1;
    if (le[j][i] && !le[i][j]) return 1;
    return x < y ? -1 : 1;
  });
  return { index, le, tiers };
}

function orderOf(reg: CompiledRegistry): Order {
  let order = orders.get(reg);
  if (!order) {
    order = buildOrder(reg);
    orders.set(reg, order);
  }
  return order;
}

function nodeOf(reg: CompiledRegistry, ref: LevelRef, path: string): number {
  const i = orderOf(reg).index.get(key(ref.party, ref.level));
  if (i === undefined) {
    throw new ReltoError('INVALID_LABEL', `unknown level ${ref.party}:${ref.level}`, path);
  }
  return i;
}

/**
 * Compares two levels, of the same scheme (by rank) or of two schemes (by tier, R7); see `Order`.
 * Throws ReltoError INVALID_LABEL for a party or level the registry does not know.
 */
export function compareLevels(reg: CompiledRegistry, a: LevelRef, b: LevelRef): LevelOrder {
  const { le } = orderOf(reg);
  const i = nodeOf(reg, a, '/0');
  const j = nodeOf(reg, b, '/1');
  if (le[i][j]) return le[j][i] ? 'equal' : 'below';
  return le[j][i] ? 'above' : 'incomparable';
}

/** The level of a label. */
export function levelOf(label: Label): LevelRef {
  return { party: label.originator, level: label.classification };
}

/** Is label `a`'s classification at or above label `b`'s (R7)? Incomparable levels do not dominate. */
export function dominates(reg: CompiledRegistry, a: Label, b: Label): boolean {
  const order = compareLevels(reg, levelOf(a), levelOf(b));
  return order === 'above' || order === 'equal';
}

/** The registry's global tier ids from lowest to highest (e.g. C, S, TS). */
export function tierOrder(reg: CompiledRegistry): string[] {
  return orderOf(reg).tiers.slice();
}
