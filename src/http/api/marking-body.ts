import { ReltoError } from '../../errors/index.js';
import type { Label } from '../../label/index.js';
import { markingToLabel } from '../../stix/index.js';

/**
 * The label a posted marking-definition carries (as STIX carries it, contracts §6), for routes that take a
 * label: refused when it is not a relto label in normal form, with the path into the body's `marking`.
 */
export function labelOfMarking(marking: unknown): Label {
  try {
    return markingToLabel(marking);
  } catch (e) {
    if (e instanceof ReltoError) throw new ReltoError(e.code, e.message, `/marking${e.path}`, e.details);
    throw e;
  }
}
