import { type Enforcer, newEnforcer, newModelFromString } from 'casbin';
import type { CoreFacts, CoreTable } from './core-check.js';

/**
 * The core check in casbin (ABAC, `enforceSync`). The equivalence table is casbin grouping data with a
 * domain, `g, CLASS, RANK, READER` (the reader's minimum clearance rank for the item's class), looked up
 * through casbin's role manager; one policy row per rank. Releasable To and need-to-know are custom
 * functions on the request's attributes.
 */
export const CASBIN_MODEL = `
[request_definition]
r = sub, obj

[policy_definition]
p = rank

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.obj.cls, p.rank, r.sub.party) && r.sub.rank >= p.rank && (r.obj.originator == r.sub.party || inSet(r.sub.party, r.obj.releasableTo)) && containsAll(r.sub.need, r.obj.compartments)
`;

export interface CasbinSubject {
  party: string;
  rank: number;
  need: string[];
}
export interface CasbinObject {
  cls: string;
  originator: string;
  releasableTo: string[];
  compartments: string[];
}

/** An enforcer loaded with the model and the equivalence data of `table`. */
export async function createCasbinEnforcer(table: CoreTable): Promise<Enforcer> {
  const e = await newEnforcer(newModelFromString(CASBIN_MODEL));
  await e.addFunction('inSet', (x: string, list: string[]) => list.includes(x));
  await e.addFunction('containsAll', (held: string[], needed: string[]) =>
    needed.every((n) => held.includes(n)),
  );
  const ranks = new Set<number>();
  const grouping: string[][] = [];
  for (const [cls, perReader] of table.required) {
    for (const [party, rank] of perReader) {
      grouping.push([cls, String(rank), party]);
      ranks.add(rank);
    }
  }
  await e.addPolicies([...ranks].sort().map((r) => [String(r)]));
  await e.addGroupingPolicies(grouping);
  return e;
}

/** The subject and object of one request; built before timing. */
export function casbinArgs(facts: CoreFacts): [CasbinSubject, CasbinObject] {
  return [
    { party: facts.reader, rank: facts.rank, need: facts.need },
    {
      cls: facts.classKey,
      originator: facts.originator,
      releasableTo: facts.releasableTo,
      compartments: facts.compartments,
    },
  ];
}
