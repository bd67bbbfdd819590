import type { Label } from '../../label/index.js';
import {
  isAlternativeMarking,
  isReltoMarking,
  markingToAlternative,
  markingToLabel,
} from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { objectInput } from '../ingest/index.js';
import type { ReltoNode } from '../node-service.js';

/**
 * Tests only: stores a partner's objects on `node` as its exchange stores what it receives (the originator's
 * labels, this node's equivalent labels, the objects with their floor columns and search rows), without the
 * signed message around them. A local post refuses them: a partner's objects enter a node only through the
 * exchange. The first relto label in an object's `object_marking_refs` is its floor.
 */
export async function storeAsReceived(node: ReltoNode, objects: readonly StixObject[]): Promise<void> {
  const labels = new Map<string, Label>();
  const defs = [];
  for (const o of objects) {
    if (o.type !== 'marking-definition' || !isReltoMarking(o)) continue;
    if (isAlternativeMarking(o)) {
      defs.push({ definition: o, kind: 'alternative', alternativeOf: markingToAlternative(o).alternativeOf });
    } else {
      labels.set(o.id, markingToLabel(o));
      defs.push({ definition: o, kind: 'relto-label', alternativeOf: null });
    }
  }
  const reg = node.registry;
  const inputs = objects
    .filter((o) => o.type !== 'marking-definition')
    .map((object) => {
      const floor = ((object.object_marking_refs as string[] | undefined) ?? []).find((r) => labels.has(r));
      if (!floor) throw new Error(`storeAsReceived: ${object.id} has no relto label among the objects given`);
      return objectInput(reg, object, floor, labels.get(floor)!, (id) => labels.has(id));
    });
  await node.store.putMarkingDefinitions(defs);
  await node.store.putObjects(inputs);
}
