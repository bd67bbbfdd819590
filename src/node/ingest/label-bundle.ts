import type { Label } from '../../label/index.js';
import { labelToMarking } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';

/**
 * Labels a bundle's objects for tests, benchmarks and the demo: adds the label's marking-definition and puts
 * it in every other object's object_marking_refs as the floor, beside any TLP or statement marking the object
 * came with (ATT&CK's copyright statement stays).
 */
export function labelBundle(objects: readonly StixObject[], label: Label): StixObject[] {
  const md = labelToMarking(label) as unknown as StixObject;
  const out: StixObject[] = [md];
  for (const o of objects) {
    if (o.type === 'marking-definition') {
      if (o.id !== md.id) out.push(o);
      continue;
    }
    const refs = ((o.object_marking_refs as string[] | undefined) ?? []).filter((r) => r !== md.id);
    out.push({ ...o, object_marking_refs: [md.id, ...refs] });
  }
  return out;
}
