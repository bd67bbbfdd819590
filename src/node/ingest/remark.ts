import type { AuditEntryInput } from '../../audit/index.js';
import type { Label } from '../../label/index.js';
import { labelToMarking } from '../../stix/index.js';
import type { CustodyRecord, StixObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { knownMarking } from '../labels.js';
import { labelColumns } from './columns.js';

/** One reclassification to apply to a held item (R8). */
export interface Remarking {
  itemId: string;
  /** The floor label the item carries now. */
  from: string;
  /** The originator's new label. */
  label: Label;
  /** This node's receiver-equivalent label for the new one (R6), for an item it received. */
  alternative?: StixObject | null;
  /** Who re-marks: the security officer's name, or `node:<party>` for a partner's notice. */
  by: string;
  at: string;
  /** More for the custody record (the notice it came with). */
  custody?: Record<string, unknown>;
}

/** What was re-marked, for the audit entries written with it. */
export interface Remarked {
  /** The new label's marking id. */
  to: string;
  /** Versions re-marked. */
  versions: number;
  record: CustodyRecord;
}

/**
 * R8, on the originator's side and on a holder's alike: in one transaction the new label (and this node's
 * equivalent of it) stored, every held version and search row of the item re-marked with its label columns,
 * the custody record, and the audit entries `entries` makes of it; the label book learns the new labels once
 * committed.
 */
export async function remark(
  ctx: NodeContext,
  r: Remarking,
  entries: (done: Remarked) => AuditEntryInput[],
): Promise<Remarked> {
  const marking = labelToMarking(r.label) as unknown as StixObject;
  const to = marking.id;
  const done = await ctx.audit.appendWithin(async (tx) => {
    await tx.putMarkingDefinitions([
      { definition: marking, kind: 'relto-label', alternativeOf: null },
      ...(r.alternative ? [{ definition: r.alternative, kind: 'alternative', alternativeOf: to }] : []),
    ]);
    const versions = await tx.replaceMarking(r.itemId, r.from, to, labelColumns(ctx.registry, r.label));
    const record = await tx.addCustody({
      itemId: r.itemId,
      kind: 'reclassification',
      by: r.by,
      at: r.at,
      details: { from: r.from, to, versions, ...r.custody },
    });
    const result: Remarked = { to, versions, record };
    return { result, entries: entries(result) };
  });
  ctx.book.add(knownMarking(marking, 'relto-label'));
  if (r.alternative) ctx.book.add(knownMarking(r.alternative, 'alternative'));
  return done;
}
