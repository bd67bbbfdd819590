import type { Label } from '../../label/index.js';
import type { Answer } from '../../policy/index.js';
import { redact } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import type { LabelBook } from '../labels.js';

/**
 * Portion-marked items between nodes (R7, contracts §6): each portion's label is decided for the release on its
 * own, a portion the partner may not receive is withheld before the originator signs (it never leaves the node),
 * and the receiving node checks and marks every portion label it is sent.
 */

/** The distinct marking ids the granular markings of an object name. */
export function granularRefs(object: StixObject): string[] {
  const list = object.granular_markings;
  if (!Array.isArray(list)) return [];
  const ids = new Set<string>();
  for (const g of list as { marking_ref?: unknown }[]) {
    if (typeof g?.marking_ref === 'string') ids.add(g.marking_ref);
  }
  return [...ids];
}

/** Granular markings without a marking id (a `lang` marking) mark nothing a node can decide on. */
export function hasUnresolvableGranular(object: StixObject): boolean {
  const list = object.granular_markings;
  return (
    Array.isArray(list) &&
    (list as { marking_ref?: unknown }[]).some((g) => typeof g?.marking_ref !== 'string')
  );
}

/** The relto labels over an object's portions and fields, as the book holds them (loaded first). */
export async function portionLabels(
  book: LabelBook,
  object: StixObject,
  floor: string,
): Promise<{ id: string; label: Label }[]> {
  const ids = granularRefs(object).filter((id) => id !== floor);
  if (ids.length === 0) return [];
  await book.load(ids);
  return ids.flatMap((id) => {
    const label = book.label(id);
    return label ? [{ id, label }] : [];
  });
}

/**
 * What of an originator's own item goes to a partner: the portions whose labels the release permits, the others
 * withheld as a reader is served them (R7, R14); null when a required property would go. The object itself
 * when nothing is withheld.
 */
export function releasableView(
  book: LabelBook,
  object: StixObject,
  answers: ReadonlyMap<string, Answer>,
): StixObject | null {
  return redact(object, book.label, (label) => {
    const id = book.idOf(label);
    return id !== undefined && answers.get(id)?.decision === 'permit';
  });
}
