import { isFixedObject, parseSelector, valueAt } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import type { KnownMarking } from '../labels.js';
import type { CodedFailure } from './markings.js';

/** One object to store: its floor label and every relto label it uses (floor and granular). */
export interface Plan {
  object: StixObject;
  floor: string;
  labels: Set<string>;
}

/** What an admission will store, and what it cannot. */
export interface Planned {
  plans: Plan[];
  /** Relto label id → the ids of what it marks (a label brought and used by nothing marks itself). */
  usedBy: Map<string, string[]>;
  failures: CodedFailure[];
}

/**
 * Every object but the marking-definitions: exactly one relto label in object_marking_refs (the floor),
 * every marking resolved and none an alternative label, every granular selector pointing at something.
 */
export function planObjects(
  all: readonly StixObject[],
  posted: ReadonlyMap<string, KnownMarking>,
  resolve: (id: string) => KnownMarking | undefined,
  fixedIds: ReadonlySet<string>,
): Planned {
  const plans: Plan[] = [];
  const usedBy = new Map<string, string[]>();
  const failures: CodedFailure[] = [];
  for (const o of all) {
    if (o.type === 'marking-definition') continue;
    if (isFixedObject(o) && fixedIds.has(o.id)) continue; // already held, public (§6)
    const refs = (o.object_marking_refs as string[] | undefined) ?? [];
    const problems: string[] = [];
    const floors: string[] = [];
    for (const r of refs) {
      const k = resolve(r);
      if (!k) problems.push(`unknown marking ${r}`);
      else if (k.alternative)
        problems.push(`${r} is an alternative label: it is served beside objects, not on them`);
      else if (k.label) floors.push(r);
    }
    if (floors.length !== 1) {
      problems.push(
        floors.length === 0
          ? 'no relto label in object_marking_refs (an object is never stored unmarked)'
          : 'more than one relto label in object_marking_refs (exactly one floor label)',
      );
    }
    const labels = new Set(floors);
    for (const g of (o.granular_markings as { marking_ref?: string; selectors: string[] }[] | undefined) ??
      []) {
      if (g.marking_ref !== undefined) {
        const k = resolve(g.marking_ref);
        if (!k) problems.push(`unknown granular marking ${g.marking_ref}`);
        else if (k.alternative) problems.push(`${g.marking_ref} is an alternative label`);
        else if (k.label) labels.add(g.marking_ref);
      }
      for (const s of g.selectors) {
        if (valueAt(o, parseSelector(s)) === undefined) problems.push(`selector ${s} selects nothing`);
      }
    }
    if (problems.length > 0) {
      failures.push({ code: 'INVALID_LABEL', id: o.id, message: problems.join('; ') });
      continue;
    }
    plans.push({ object: o, floor: floors[0]!, labels });
    for (const l of labels) {
      const list = usedBy.get(l) ?? [];
      list.push(o.id);
      usedBy.set(l, list);
    }
  }
  // Labels brought and used by nothing are still labels the poster is creating.
  for (const k of posted.values()) if (k.label && !usedBy.has(k.id)) usedBy.set(k.id, [k.id]);
  return { plans, usedBy, failures };
}
