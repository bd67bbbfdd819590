import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { CoreFacts, CoreTable } from './core-check.js';

/**
 * The core check in Cedar (cedar-wasm 4.x, stateful API): the policy set is parsed once into the wasm
 * module's cache (`preparsePolicySet`) and each call names it by id. The equivalence table is a `Class`
 * entity per (received under, originator, level, designations) whose tags give each reader party's
 * minimum clearance rank; need-to-know values are "Category:value" strings.
 */
export const CEDAR_POLICY = `permit (principal, action, resource)
when {
  resource.cls.hasTag(principal.party) &&
  principal.rank >= resource.cls.getTag(principal.party) &&
  (resource.originator == principal.party || resource.releasableTo.contains(principal.party)) &&
  principal.need.containsAll(resource.compartments)
};`;

const POLICY_SET_ID = 'relto-core';

export type CedarCall = cedar.StatefulAuthorizationCall;

/** Parses the policy set into cedar-wasm's cache; call once before any `cedarAuthorize`. */
export function prepareCedar(): void {
  const parsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: CEDAR_POLICY });
  if (parsed.type !== 'success') {
    throw new Error(`cedar could not parse the core policy: ${JSON.stringify(parsed.errors)}`);
  }
}

/** Builds the call (principal, resource and the class entity) for one request; done before timing. */
export function cedarCall(table: CoreTable, facts: CoreFacts, action: string): CedarCall {
  const tags: Record<string, number> = {};
  for (const [party, rank] of table.required.get(facts.classKey) ?? []) tags[party] = rank;
  return {
    principal: { type: 'User', id: 'p' },
    action: { type: 'Action', id: action },
    resource: { type: 'Item', id: 'i' },
    context: {},
    preparsedPolicySetId: POLICY_SET_ID,
    entities: [
      {
        uid: { type: 'User', id: 'p' },
        attrs: { party: facts.reader, rank: facts.rank, need: facts.need },
        parents: [],
      },
      {
        uid: { type: 'Item', id: 'i' },
        attrs: {
          originator: facts.originator,
          releasableTo: facts.releasableTo,
          compartments: facts.compartments,
          cls: { __entity: { type: 'Class', id: facts.classKey } },
        },
        parents: [],
      },
      { uid: { type: 'Class', id: facts.classKey }, attrs: {}, parents: [], tags },
    ],
  };
}

/** One authorization; a Cedar failure (not a deny) is a bug in the bench and stops it. */
export function cedarAuthorize(call: CedarCall): boolean {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type !== 'success') throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
  return answer.response.decision === 'allow';
}

export function cedarVersion(): string {
  return cedar.getCedarVersion();
}
