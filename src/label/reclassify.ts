import { ReltoError } from '../errors/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { normaliseLabel } from './normalise.js';
import type { Label } from './schema.js';
import { assertValidLabel } from './validate.js';

/**
 * A reclassification notice (R8, Art. 6(g)) as the label core sees it: who sent it and the originator's
 * new marking. How it travels (signed, §9) is the exchange's business.
 */
export interface ReclassificationNotice {
  /** The party that issued the notice; only the originator may. */
  by: string;
  /** The new label, in full. */
  label: Label;
}

/**
 * The label a held copy carries after a reclassification notice (R8): the notice's label, in normal form.
 * Consents are records given for the item, not marks, so the held copy's consents are kept unless the
 * notice states its own. Throws ReltoError INVALID_LABEL when the notice is not the originator's
 * (`/by`), would change the originator (`/label/originator`), or its label is invalid (`/label/…`).
 */
export function reclassify(reg: CompiledRegistry, current: Label, notice: ReclassificationNotice): Label {
  if (notice.by !== current.originator) {
    throw new ReltoError(
      'INVALID_LABEL',
      `only the originator ${current.originator} may reclassify its item, not ${notice.by}`,
      '/by',
    );
  }
  if (notice.label.originator !== current.originator) {
    throw new ReltoError(
      'INVALID_LABEL',
      `a reclassification cannot change the originator ${current.originator}`,
      '/label/originator',
    );
  }
  const next = assertValidLabel(reg, notice.label, '/label');
  if (next.consents === undefined && current.consents !== undefined) {
    return normaliseLabel({ ...next, consents: current.consents });
  }
  return normaliseLabel(next);
}
