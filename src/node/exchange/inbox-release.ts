import type { AuditEntryInput } from '../../audit/index.js';
import {
  type AlternativeResult,
  type ConsentRecord,
  type Message,
  type Receipt,
  receiverAlternative,
  type SignedRecord,
  toLabelConsent,
  type VerifiedItem,
} from '../../exchange/index.js';
import type { Label } from '../../label/index.js';
import type { Answer } from '../../policy/index.js';
import { isAlternativeMarking, isReltoMarking, markingToLabel } from '../../stix/index.js';
import type { CustodyInput, StixObject } from '../../store/index.js';
import { type NodeContext, nowIso } from '../context.js';
import { Decider } from '../decider.js';
import { checkLabel, storeAdmission } from '../ingest/index.js';
import { knownMarking } from '../labels.js';
import { versionOf } from './messages.js';
import { granularRefs, hasUnresolvableGranular } from './portions.js';
import { type AnyRowInput, ROWS, type SignedMessageRow } from './rows.js';

/** An item the checks refused, with why. */
export type RefusedItem = { index: number; status: 'refused'; code: string; message: string; path: string };

/**
 * Receipt of released items (contracts §9): every check, then one transaction storing what passed (R6, R14,
 * R21, R25) with the signed records relaying needs, the custody receipts and the message's receipt.
 */
export async function receiveRelease(
  ctx: NodeContext,
  message: Message,
  results: (VerifiedItem<'release'> | RefusedItem)[],
): Promise<Receipt> {
  const at = nowIso(ctx);
  const reg = ctx.registry;
  const markings = new Map<string, { record: SignedRecord; label: Label; definition: StixObject }>();
  const receiptItems: Receipt['items'] = [];
  const refusals: AuditEntryInput[] = [];
  const refuse = (id: string, version: string, code: string, text: string) => {
    receiptItems.push({ id, version, status: 'refused', code });
    refusals.push(receiveRefusal(message, at, id, code, { reason: text }));
  };
  const verified: VerifiedItem<'release'>[] = [];
  for (const r of results) {
    const obj = message.items[r.index]!.object as StixObject;
    if (r.status === 'refused') {
      refuse(String(obj.id ?? `/items/${r.index}`), versionOf(obj), r.code, r.message);
      continue;
    }
    verified.push(r);
    if (obj.type === 'marking-definition') {
      if (!isReltoMarking(obj) || isAlternativeMarking(obj)) {
        refuse(obj.id, versionOf(obj), 'INVALID_LABEL', 'only relto labels travel between nodes');
        continue;
      }
      try {
        const label = markingToLabel(obj);
        checkLabel(reg, label);
        markings.set(obj.id, { record: r.item, label, definition: obj });
      } catch (e) {
        refuse(obj.id, versionOf(obj), 'INVALID_LABEL', (e as Error).message);
      }
    }
  }
  type Accepted = {
    /** The item's place in the message. */
    index: number;
    object: StixObject;
    record: SignedRecord;
    consents: { record: SignedRecord; consent: ConsentRecord }[];
    labelId: string;
    label: Label;
    agreement: string | null;
  };
  const accepted: Accepted[] = [];
  const usedMarkings = new Set<string>();
  const heldConsents: [string, ConsentRecord][] = [];
  const senderViews = new Map<string, Answer>();
  const alternatives = new Map<string, AlternativeResult>();
  for (const v of verified) {
    const obj = v.object as StixObject;
    if (obj.type === 'marking-definition') continue;
    const version = versionOf(obj);
    const issues = ctx.validator.validateObject(obj);
    if (issues.length > 0) {
      refuse(obj.id, version, 'INVALID_STIX', issues.map((x) => `${x.pointer} ${x.message}`).join('; '));
      continue;
    }
    const refs = (obj.object_marking_refs as string[] | undefined) ?? [];
    const floors = refs.filter((id) => markings.has(id));
    // R7: portions and fields may be raised above the floor, each by a relto label the message carries.
    const portionIds = granularRefs(obj).filter((id) => id !== floors[0]);
    if (floors.length !== 1 || hasUnresolvableGranular(obj) || portionIds.some((id) => !markings.has(id))) {
      refuse(
        obj.id,
        version,
        'INVALID_LABEL',
        'exactly one relto label, carried in the message, must mark it, and one such label each portion raised above it',
      );
      continue;
    }
    const labelId = floors[0]!;
    const { label } = markings.get(labelId)!;
    const consents = v.consents.map((c, j) => ({
      record: message.items[v.index]!.consents[j]!,
      consent: c,
    }));
    const withConsents = (l: Label): Label =>
      consents.length
        ? { ...l, consents: [...(l.consents ?? []), ...consents.map((c) => toLabelConsent(c.consent))] }
        : l;
    // The receiving side decides too: would the sender have been permitted this release on its date (R14,
    // R15, R21, R24)? Every label of the item, floor and portions; items without consents of one label share
    // the answer (the same request to decide).
    const senderView = (id: string): Answer => {
      let answer = consents.length ? undefined : senderViews.get(id);
      if (!answer) {
        answer = Decider.nodeRelease(
          reg,
          message.sender,
          withConsents(markings.get(id)!.label),
          message.time,
          {
            to: ctx.party,
            ...(message.under ? { under: message.under } : {}),
          },
        );
        if (!consents.length) senderViews.set(id, answer);
      }
      return answer;
    };
    const denied = [labelId, ...portionIds].map(senderView).find((a) => a.decision !== 'permit');
    if (denied) {
      const codes = denied.reasons.map((x) => x.code);
      refuse(
        obj.id,
        version,
        codes[0] ?? 'FORBIDDEN',
        `the agreement does not allow this transfer: ${codes.join(', ')}`,
      );
      continue;
    }
    // R6: one receiver-equivalent label per originator label of the message, the portions' included.
    const alternativeOf = (id: string): AlternativeResult => {
      let alt = alternatives.get(id);
      if (!alt) {
        alt = receiverAlternative(reg, markings.get(id)!.label, ctx.party, message.under);
        alternatives.set(id, alt);
      }
      return alt;
    };
    const alt = alternativeOf(labelId);
    const failed = [alt, ...portionIds.map(alternativeOf)].find((a) => !a.ok);
    if (failed && !failed.ok) {
      refuse(obj.id, version, failed.reason, failed.message);
      continue;
    }
    if (!alt.ok) continue;
    accepted.push({
      index: v.index,
      object: obj,
      record: v.item,
      consents,
      labelId,
      label,
      agreement: alt.equivalent && 'agreement' in alt.equivalent ? (alt.equivalent.agreement ?? null) : null,
    });
    usedMarkings.add(labelId);
    for (const id of portionIds) usedMarkings.add(id);
  }
  const receipt = await ctx.audit.appendWithin(async (tx) => {
    const defs = [...usedMarkings].map((id) => ({
      definition: markings.get(id)!.definition,
      kind: 'relto-label',
      alternativeOf: null,
    }));
    const alts = [...usedMarkings].flatMap((id) => {
      const alt = alternatives.get(id);
      return alt?.ok && alt.marking
        ? [{ definition: alt.marking as unknown as StixObject, kind: 'alternative', alternativeOf: id }]
        : [];
    });
    const uniqueAlts = [...new Map(alts.map((a) => [a.definition.id, a])).values()];
    // The admission path's store step: the labels, then each object with its label columns and search rows.
    const results = await storeAdmission(tx, reg, {
      markings: [...defs, ...uniqueAlts],
      objects: accepted.map((a) => ({ object: a.object, floor: a.labelId, label: a.label })),
      isReltoLabel: (id) => markings.has(id),
    });
    const entries: AuditEntryInput[] = [...refusals];
    const rows: AnyRowInput[] = [...usedMarkings].map((id) => ({
      kind: ROWS.signed,
      key: id,
      ref: id,
      status: 'held',
      body: { record: markings.get(id)!.record },
    }));
    const custody: CustodyInput[] = [];
    const proofs: SignedMessageRow = { jws: [], items: [] };
    const jwsIndex = new Map<string, number>();
    for (let i = 0; i < accepted.length; i++) {
      const a = accepted[i]!;
      const r = results[i]!;
      if (r.status === 'destroyed') {
        receiptItems.push({ id: r.id, version: r.version, status: 'refused', code: 'CONFLICT' });
        continue;
      }
      receiptItems.push({
        id: r.id,
        version: versionOf(a.object),
        status: r.status === 'added' ? 'stored' : 'duplicate',
      });
      if (r.status !== 'added') continue;
      let jws = jwsIndex.get(a.record.originatorJws);
      if (jws === undefined) {
        jws = proofs.jws.push(a.record.originatorJws) - 1;
        jwsIndex.set(a.record.originatorJws, jws);
      }
      proofs.items.push({
        id: a.object.id,
        version: versionOf(a.object),
        proof: a.record.proof,
        leafIndex: a.record.leafIndex,
        treeSize: a.record.treeSize,
        jws,
      });
      for (const c of a.consents) {
        rows.push({
          kind: ROWS.consent,
          key: c.consent.ref,
          ref: a.object.id,
          status: 'held',
          body: { record: c.record, consent: c.consent },
        });
        heldConsents.push([a.object.id, c.consent]);
      }
      custody.push({
        itemId: a.object.id,
        kind: 'receipt',
        by: `node:${message.sender}`,
        at,
        details: {
          message: message.id,
          from: message.sender,
          under: message.under,
          originator: a.label.originator,
        },
      });
    }
    const receipt: Receipt = {
      type: 'relto-receipt',
      by: ctx.party,
      at,
      message: message.id,
      items: receiptItems.length
        ? receiptItems
        : [{ id: message.id, version: message.time, status: 'refused', code: 'MALFORMED_REQUEST' }],
    };
    if (proofs.items.length > 0) {
      rows.push({ kind: ROWS.signedMessage, key: message.id, status: 'held', body: proofs });
    }
    rows.push({
      kind: ROWS.inbox,
      key: message.id,
      partner: message.sender,
      status: 'received',
      body: { kind: message.kind, receipt },
    });
    // The message's signed records, consents, its receipt and the custody receipts: two statements, not
    // three per item.
    await tx.putExchangeRows(rows);
    await tx.addCustodyRecords(custody);
    entries.push({
      kind: 'receipt',
      at,
      actor: `node:${message.sender}`,
      action: 'receive',
      subjects: accepted.map((a) => a.object.id).slice(0, 1000),
      details: {
        message: message.id,
        under: message.under,
        decision: message.decision,
        stored: receiptItems.filter((x) => x.status === 'stored').length,
        duplicate: receiptItems.filter((x) => x.status === 'duplicate').length,
        refused: receiptItems.filter((x) => x.status === 'refused').length,
      },
    });
    return { result: receipt, entries };
  });
  // R15–R17: the consents that travelled with the items join their decisions once committed.
  for (const [itemId, c] of heldConsents) ctx.consents?.add(itemId, c);
  for (const id of usedMarkings) ctx.book.add(knownMarking(markings.get(id)!.definition, 'relto-label'));
  for (const id of usedMarkings) {
    const alt = alternatives.get(id);
    if (alt?.ok && alt.marking)
      ctx.book.add(knownMarking(alt.marking as unknown as StixObject, 'alternative'));
  }
  return receipt;
}

/** The audit entry of a received item refused, the sending node as actor. */
export function receiveRefusal(
  message: Message,
  at: string,
  id: string,
  code: string,
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    kind: 'refusal',
    at,
    actor: `node:${message.sender}`,
    action: 'receive',
    decision: 'deny',
    subjects: [id],
    reasons: [code],
    details: { message: message.id, ...details },
  };
}
