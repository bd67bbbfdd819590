import type { Label } from '../../label/index.js';
import type { CompiledRegistry } from '../../registry/index.js';
import type { MarkingDefinitionInput, PutResult, StixObject, Store } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import type { KnownMarking } from '../labels.js';
import { objectInput } from './columns.js';

/** What an admission stores: the marking-definitions, and each object with its floor label. */
export interface Admission {
  markings: readonly MarkingDefinitionInput[];
  objects: readonly { object: StixObject; floor: string; label: Label }[];
  /** Whether a marking id is a relto label (for the search rows of granular-marked text). */
  isReltoLabel: (id: string) => boolean;
}

/** A marking the node knows, as the store keeps it. */
export function markingInput(k: KnownMarking): MarkingDefinitionInput {
  return { definition: k.definition, kind: k.kind, alternativeOf: k.alternative?.alternativeOf ?? null };
}

/**
 * The store step of the admission path, inside the caller's audited transaction (a post, the exchange
 * inbox): the marking-definitions, then every object encrypted with its label columns and search rows.
 * The per-object results are in input order.
 */
export async function storeAdmission(
  tx: Store,
  registry: CompiledRegistry,
  a: Admission,
): Promise<PutResult[]> {
  await tx.putMarkingDefinitions([...a.markings]);
  return tx.putObjects(
    a.objects.map((o) => objectInput(registry, o.object, o.floor, o.label, a.isReltoLabel)),
  );
}

/** Once the admission's transaction committed, the node's label book knows what it stored. */
export function learnMarkings(ctx: NodeContext, markings: Iterable<KnownMarking>): void {
  for (const k of markings) ctx.book.add(k);
}
