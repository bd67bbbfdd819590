import type { AuditEntryInput } from '../../audit/index.js';
import { ReltoError } from '../../errors/index.js';
import type { Action, Answer } from '../../policy/index.js';
import { labelMarkingId, labelToMarking } from '../../stix/index.js';
import type { CustodyKind, CustodyRecord, StixObject } from '../../store/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import { forgetDestroyedContent } from '../exchange/destruction.js';
import { checkLabel, remark } from '../ingest/index.js';
import { knownMarking } from '../labels.js';
import { listObjects, visibleLatest } from '../serve/index.js';
import type { Person } from '../service.js';

/** The decision each custody step needs (R16: ORCON copy/translate/print/export need consent). */
const ACTION_OF: Record<Exclude<CustodyKind, 'receipt' | 'destruction' | 'reclassification'>, Action> = {
  copy: 'copy',
  translation: 'translate',
  print: 'print',
  export: 'export',
  // Returning an item is handling it: the person must be able to read it.
  return: 'read',
};

export function forbidden(action: string, itemId: string, answer: Answer | undefined): never {
  const reasons = answer?.reasons.map((r) => r.code) ?? [];
  throw new ReltoError(
    'FORBIDDEN',
    `${action} of ${itemId} is not permitted${reasons.length ? `: ${reasons.join(', ')}` : ''}`,
    '',
    { reasons: answer?.reasons ?? [] },
  );
}

/**
 * A custody step on an item the person can see (R26): a decision of the step's action (ORCON and all else,
 * R16), then the record and its audit entry in one transaction. A deny is audited and refused (FORBIDDEN);
 * an item the person cannot see is NOT_FOUND, as everywhere.
 */
export async function recordCustody(
  ctx: NodeContext,
  person: Person,
  itemId: string,
  kind: keyof typeof ACTION_OF,
  details: Record<string, unknown> = {},
): Promise<CustodyRecord> {
  const action = ACTION_OF[kind];
  if (!action) throw new ReltoError('INVALID_ARGUMENT', `unknown custody step ${String(kind)}`, '/kind');
  const decider = deciderFor(ctx, person);
  const seen = await visibleLatest(ctx, decider, itemId);
  if (!seen) {
    for (const e of decider.auditEntries(kind)) ctx.audit.record(e);
    throw new ReltoError('NOT_FOUND', `no item ${itemId}`);
  }
  // R17: the step is decided for the purpose stated with it, if any (a purpose consent may allow it); seeing
  // the item is not.
  const purpose = typeof details.purpose === 'string' ? details.purpose : undefined;
  const acting = purpose === undefined ? decider : deciderFor(ctx, person, purpose);
  const entries = () =>
    acting === decider
      ? decider.auditEntries(kind)
      : [...decider.auditEntries(kind), ...acting.auditEntries(kind)];
  const floor = seen.row.floor;
  // R15–R17: the item's held consents join its label's (answer with the item's id).
  const answer = floor ? acting.answer(floor, action, itemId) : undefined;
  if (floor) acting.note(floor, action, itemId);
  if (floor && answer?.decision !== 'permit') {
    for (const e of entries()) ctx.audit.record(e);
    forbidden(kind, itemId, answer);
  }
  return ctx.audit.appendWithin(async (tx) => {
    const record = await tx.addCustody({ itemId, kind, by: person.name, at: decider.at, details });
    return { result: record, entries: [...entries(), custodyEntry(person, record)] };
  });
}

export function custodyEntry(person: Person, record: CustodyRecord): AuditEntryInput {
  return {
    kind: 'custody',
    at: record.at,
    actor: person.name,
    subjects: [record.itemId],
    action: record.kind,
    details: { seq: record.seq, ...(record.copyNumber !== null ? { copyNumber: record.copyNumber } : {}) },
  };
}

/** An item's custody records, for a person who may see the item. */
export async function listCustody(
  ctx: NodeContext,
  person: Person,
  itemId: string,
): Promise<CustodyRecord[]> {
  const decider = deciderFor(ctx, person);
  const seen = await visibleLatest(ctx, decider, itemId);
  for (const e of decider.auditEntries('custody-list')) ctx.audit.record(e);
  if (!seen) throw new ReltoError('NOT_FOUND', `no item ${itemId}`);
  return ctx.store.listCustody(itemId);
}

/**
 * Destruction (R27): decide(destroy) (a security officer, who must be able to read the item), then in one
 * transaction the store's crypto-erasure (data key, content, index rows), any exchange row still carrying the
 * content slimmed, the custody record and the audit entries. A release already approved still reaches its
 * partner as sealed for it when queued (this node cannot read that back); sealed anew after a long wait, the
 * message leaves the destroyed item out. False when the person cannot see the item (TAXII 404).
 */
export async function destroyObject(ctx: NodeContext, person: Person, itemId: string): Promise<boolean> {
  if (itemId.startsWith('marking-definition--')) {
    // A marking-definition is no item: the items it marks carry it, and it stays while they do.
    const held = await listObjects(ctx, person, { ids: [itemId], markingsAsObjects: true, limit: 1 });
    if (held.objects.length === 0) return false;
    throw new ReltoError(
      'FORBIDDEN',
      'a marking-definition is not deleted: it stays as long as the items it marks are held',
    );
  }
  const decider = deciderFor(ctx, person);
  const seen = await visibleLatest(ctx, decider, itemId);
  if (!seen?.row.floor) {
    for (const e of decider.auditEntries('destroy')) ctx.audit.record(e);
    if (seen && !seen.row.floor)
      throw new ReltoError('FORBIDDEN', 'the fixed relto objects are not destroyed');
    return false;
  }
  const floor = seen.row.floor;
  const answer = decider.answer(floor, 'destroy', itemId);
  decider.note(floor, 'destroy', itemId);
  if (answer?.decision !== 'permit') {
    for (const e of decider.auditEntries('destroy')) ctx.audit.record(e);
    forbidden('destruction', itemId, answer);
  }
  return ctx.audit.appendWithin(async (tx) => {
    const done = await tx.destroyObject(itemId);
    if (!done) return { result: false, entries: decider.auditEntries('destroy') };
    // R27: exchange rows written before content stayed out of them may still carry it.
    await forgetDestroyedContent(tx, itemId);
    const record = await tx.addCustody({ itemId, kind: 'destruction', by: person.name, at: decider.at });
    return { result: true, entries: [...decider.auditEntries('destroy'), custodyEntry(person, record)] };
  });
}

/**
 * Reclassification by the originator (R8, GSOMIA Art. 6(g)): every stored version of the item is re-marked
 * with the new label, so every later decision on any version uses it. Only this node's own items, by a
 * security officer who may read the item under both its old and its new label.
 */
export async function reclassify(
  ctx: NodeContext,
  person: Person,
  itemId: string,
  newLabel: unknown,
): Promise<void> {
  const decider = deciderFor(ctx, person);
  decider.require('reclassify');
  checkLabel(ctx.registry, newLabel);
  const label = newLabel;
  const seen = await visibleLatest(ctx, decider, itemId);
  if (!seen?.row.floor) {
    for (const e of decider.auditEntries('reclassify')) ctx.audit.record(e);
    throw new ReltoError('NOT_FOUND', `no item ${itemId}`);
  }
  const oldId = seen.row.floor;
  const oldLabel = ctx.book.label(oldId)!;
  if (oldLabel.originator !== ctx.party || label.originator !== ctx.party) {
    throw new ReltoError(
      'FORBIDDEN',
      `only the originator reclassifies; ${itemId} is ${oldLabel.originator}'s`,
    );
  }
  const marking = labelToMarking(label) as unknown as StixObject;
  const newId = labelMarkingId(label);
  const known = knownMarking(marking, 'relto-label');
  const answer = decider.answerFor(newId, known.label!, 'read');
  decider.note(newId, 'read', itemId);
  if (answer.decision !== 'permit') {
    for (const e of decider.auditEntries('reclassify')) ctx.audit.record(e);
    forbidden('reclassification', itemId, answer);
  }
  if (newId === oldId) return;
  await remark(
    ctx,
    { itemId, from: oldId, label, by: person.name, at: decider.at },
    ({ versions, record }) => [
      ...decider.auditEntries('reclassify'),
      {
        kind: 'reclassification',
        at: decider.at,
        actor: person.name,
        subjects: [itemId],
        details: { from: oldId, to: newId, versions },
      },
      custodyEntry(person, record),
    ],
  );
}
