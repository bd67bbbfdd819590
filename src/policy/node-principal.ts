import type { CompiledRegistry } from '../registry/index.js';
import type { Principal, Role } from './schema.js';

/**
 * A node acting in its own name — streaming tracks to partners, or a receiver checking the release a sender's
 * node made: its own party, an official cleared at the top level of its party's scheme, with the roles the
 * caller names. What it holds of need-to-know and designations is the caller's to add (a node's configuration,
 * or the label it releases). The registry says the level; no party is named here. An unknown party gets the
 * lowest clearance there is ('U' is no level of any scheme), so every decision for it is a denial.
 */
export function nodePrincipal(registry: CompiledRegistry, party: string, roles: Role[]): Principal {
  const scheme = registry.parties.get(party);
  let top: string | undefined;
  let rank = -1;
  for (const l of scheme?.levels.values() ?? []) {
    if (l.rank > rank) {
      rank = l.rank;
      top = l.id;
    }
  }
  return { id: `node:${party}`, party, clearance: top ?? 'U', roles, official: true };
}
