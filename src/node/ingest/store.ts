import type { Label } from '../../label/index.js';
import type { CompiledRegistry } from '../../registry/index.js';
import type { MarkingDefinitionInput, PutResult, StixObject, Store } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { type KnownMarking, TLP_MARKINGS } from '../labels.js';
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

const TLP_BY_ID = new Map(TLP_MARKINGS.map((d) => [d.id, d]));

/**
 * The TLP marking-definitions the objects name without bringing them: the node holds them too, as objects of
 * its collection a reader of those objects can fetch (a definition already held keeps its date_added).
 */
function tlpUsed(a: Admission): MarkingDefinitionInput[] {
  const brought = new Set(a.markings.map((m) => m.definition.id));
  const used = new Set<string>();
  for (const { object } of a.objects) {
    const refs = [
      ...((object.object_marking_refs as string[] | undefined) ?? []),
      ...((object.granular_markings as { marking_ref?: string }[] | undefined) ?? []).map(
        (g) => g.marking_ref,
      ),
    ];
    for (const r of refs) if (r && TLP_BY_ID.has(r) && !brought.has(r)) used.add(r);
  }
  return [...used].map((id) => ({ definition: TLP_BY_ID.get(id)!, kind: 'tlp', alternativeOf: null }));
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
  await tx.putMarkingDefinitions([...a.markings, ...tlpUsed(a)]);
  return tx.putObjects(
    a.objects.map((o) => objectInput(registry, o.object, o.floor, o.label, a.isReltoLabel)),
  );
}

/** Once the admission's transaction committed, the node's label book knows what it stored. */
export function learnMarkings(ctx: NodeContext, markings: Iterable<KnownMarking>): void {
  for (const k of markings) ctx.book.add(k);
}
