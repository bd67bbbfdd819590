import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../../audit/index.js';
import {
  type AuditHead,
  type ConsentAnswer,
  type ConsentRequest,
  checkAuditHead,
  type Message,
  type ReclassificationNotice,
  receiverAlternative,
  type VerifiedItem,
} from '../../exchange/index.js';
import { labelToMarking } from '../../stix/index.js';
import type { StixObject, Store } from '../../store/index.js';
import { type NodeContext, nowIso } from '../context.js';
import { remark } from '../ingest/index.js';
import { toSigned } from './messages.js';
import type { PartnerBook } from './partners.js';
import { getRow, heldConsentRow, putRow, ROWS, updateRow } from './rows.js';

/** A received notice applied inside its receipt's transaction (see notices.ts). */
export async function applyNotice(
  ctx: NodeContext,
  partners: PartnerBook,
  tx: Store,
  message: Message,
  v: VerifiedItem,
  at: string,
  entries: AuditEntryInput[],
  after: (() => Promise<void>)[],
): Promise<{ status: 'stored' | 'duplicate' | 'refused'; code?: string }> {
  const actor = `node:${message.sender}`;
  const item = message.items[v.index]!;
  /** The notice's audit entry, the sending node as actor. */
  const note = (
    kind: AuditEntryInput['kind'],
    action: string,
    subjects: string[],
    details: Record<string, unknown> = {},
  ) => entries.push({ kind, at, actor, action, subjects, details: { message: message.id, ...details } });
  switch (message.kind) {
    case 'consent-request': {
      const request = v.object as ConsentRequest;
      const put = await putRow(tx, {
        kind: ROWS.consentRequestIn,
        key: request.id,
        ref: request.item,
        partner: message.sender,
        status: 'pending',
        body: { request },
      });
      note('consent', 'requested', [request.item, request.id]);
      return { status: put.added ? 'stored' : 'duplicate' };
    }
    case 'consent': {
      const answer = v.object as ConsentAnswer;
      const requestId = answer.type === 'relto-consent' ? answer.request : answer.request;
      if (answer.type === 'relto-consent') {
        await putRow(tx, heldConsentRow(toSigned(item), answer));
        // R15–R17: the consent joins the item's decisions once the notice is committed.
        after.push(async () => ctx.consents?.add(answer.item, answer));
      }
      if (requestId) {
        await updateRow(tx, ROWS.consentRequestOut, requestId, {
          status: answer.type === 'relto-consent' ? 'granted' : 'refused',
        });
      }
      const action = answer.type === 'relto-consent' ? 'granted' : 'refused';
      note('consent', action, [answer.item, ...(requestId ? [requestId] : [])]);
      return { status: 'stored' };
    }
    case 'compromise-report': {
      const report = v.object as { id: string; item: string; status: string };
      const key = `${report.id}|${report.status}`;
      const put = await putRow(tx, {
        kind: ROWS.compromiseIn,
        key,
        ref: report.item,
        partner: message.sender,
        status: report.status,
        body: { ...report, from: message.sender, receivedAt: at },
      });
      note('compromise', 'reported', [report.item, report.id], { status: report.status });
      return { status: put.added ? 'stored' : 'duplicate' };
    }
    case 'reclassification': {
      const notice = v.object as ReclassificationNotice;
      const held = await tx.getItem(notice.item);
      if (!held || held.destroyedAt) return { status: 'refused', code: 'NOT_FOUND' };
      note('reclassification', 'notice', [notice.item, notice.id]);
      // Re-marking runs after the notice is recorded (custody's reclassify has its own transaction, R8).
      after.push(() => applyReclassification(ctx, notice));
      return { status: 'stored' };
    }
    case 'audit-head': {
      const record = v.object as AuditHead;
      const heldRow = await getRow(tx, ROWS.partnerHead, record.origin);
      const held = heldRow?.body;
      const key = partners.signingKeyOf(record.origin);
      const check = checkAuditHead(record, held, key!);
      if (!check.ok) {
        await putRow(tx, {
          kind: ROWS.alarm,
          key: randomUUID(),
          partner: record.origin,
          status: 'raised',
          body: {
            alarm: check.alarm,
            message: check.message,
            party: record.origin,
            at,
            head: { treeSize: record.treeSize, rootHash: record.rootHash },
          },
        });
        entries.push({
          kind: 'head',
          at,
          actor,
          action: 'alarm',
          decision: 'deny',
          reasons: [check.alarm],
          details: { message: check.message, treeSize: record.treeSize },
        });
        return { status: 'refused', code: check.alarm };
      }
      const { consistency: _c, ...plain } = record;
      if (heldRow) await updateRow(tx, ROWS.partnerHead, record.origin, { body: plain });
      else
        await putRow(tx, {
          kind: ROWS.partnerHead,
          key: record.origin,
          partner: record.origin,
          status: 'held',
          body: plain,
        });
      entries.push({
        kind: 'head',
        at,
        actor,
        action: 'accepted',
        details: { treeSize: record.treeSize, rootHash: record.rootHash },
      });
      return { status: 'stored' };
    }
    default:
      return { status: 'refused', code: 'MALFORMED_REQUEST' };
  }
}

/**
 * R8: re-marks every held version of an item with the originator's new label, and makes this node's
 * receiver-equivalent label for it (R6) under the agreement it was received under.
 */
export async function applyReclassification(ctx: NodeContext, notice: ReclassificationNotice): Promise<void> {
  const stored = await ctx.store.getObject(notice.item);
  if (!stored?.floor) return;
  await ctx.book.load([stored.floor]);
  const oldLabel = ctx.book.label(stored.floor);
  if (!oldLabel || oldLabel.originator !== notice.by) return;
  const receivedUnder = ctx.book.receivedUnder(stored.floor);
  if (labelToMarking(notice.label).id === stored.floor) return;
  const alt = receiverAlternative(ctx.registry, notice.label, ctx.party, receivedUnder ?? null);
  const altMarking = alt.ok && alt.marking ? (alt.marking as unknown as StixObject) : null;
  const at = nowIso(ctx);
  const from = stored.floor;
  const by = `node:${notice.by}`;
  // The admission path's re-marking, as the originator's own (R8).
  await remark(
    ctx,
    {
      itemId: notice.item,
      from,
      label: notice.label,
      alternative: altMarking,
      by,
      at,
      custody: { notice: notice.id },
    },
    ({ to, versions }) => [
      {
        kind: 'reclassification',
        at,
        actor: by,
        subjects: [notice.item, notice.id],
        details: { from, to, versions },
      },
    ],
  );
}
