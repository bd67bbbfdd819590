import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../../audit/index.js';
import type {
  AuditHead,
  Message,
  Receipt,
  ReclassificationNotice,
  VerifiedItem,
} from '../../exchange/index.js';
import type { Label } from '../../label/index.js';
import { nowIso } from '../context.js';
import { type RefusedItem, receiveRefusal } from './inbox-release.js';
import { toItem } from './messages.js';
import { applyNotice } from './notices-received.js';
import { getRow, listRows, putRow, ROWS, updateRow } from './rows.js';
import { Stage } from './stage.js';

/**
 * Notices between nodes (R8, R15–R17, R28, R29): this node's audit heads to its partners, reclassification
 * notices to every holder of an item; and, received, consent requests and answers, compromise reports,
 * reclassification notices and audit heads (applied in notices-received.ts), each answered with a receipt.
 */
export class Notices extends Stage {
  /** Queues an audit head for a partner, with the consistency proof from the head last sent to it (R29). */
  async queueAuditHead(partnerParty: string): Promise<void> {
    const head = await this.ctx.audit.head();
    const sent = await getRow(this.ctx.store, ROWS.headSent, partnerParty);
    const fromSize = sent?.body.treeSize;
    if (fromSize === head.treeSize) return;
    let consistency: AuditHead['consistency'];
    if (fromSize !== undefined && fromSize > 0 && fromSize < head.treeSize) {
      const { proof } = await this.ctx.audit.consistencyProof(fromSize, head.treeSize);
      consistency = { fromSize, proof };
    }
    const record: AuditHead = {
      type: 'relto-audit-head',
      origin: this.ctx.party,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
      signature: head.signature,
      ...(consistency ? { consistency } : {}),
    };
    const [signed] = this.author.signOwn([record]);
    const message = this.author.newMessage('audit-head', partnerParty, [toItem(signed!)]);
    const queued = await this.outbox.row(message);
    await this.ctx.store.transaction(async (tx) => {
      await this.outbox.enqueue(tx, queued);
      if (sent) await updateRow(tx, ROWS.headSent, partnerParty, { body: { treeSize: head.treeSize } });
      else
        await putRow(tx, {
          kind: ROWS.headSent,
          key: partnerParty,
          status: 'sent',
          body: { treeSize: head.treeSize },
        });
    });
    this.outbox.onQueued(partnerParty);
  }

  /** R8: the originator's new label for an item, sent to every partner it was released to. */
  async notifyReclassification(itemId: string, label: Label): Promise<string[]> {
    const released = await listRows(this.ctx.store, { kind: ROWS.released, ref: itemId });
    const holders = [...new Set(released.map((r) => r.partner!).filter(Boolean))];
    const at = nowIso(this.ctx);
    for (const holder of holders) {
      const notice: ReclassificationNotice = {
        type: 'relto-reclassification',
        id: `reclassification--${randomUUID()}`,
        item: itemId,
        by: this.ctx.party,
        at,
        label,
      };
      const [signed] = this.author.signOwn([notice]);
      const message = this.author.newMessage('reclassification', holder, [toItem(signed!)]);
      const queued = await this.outbox.row(message);
      await this.ctx.store.transaction((tx) => this.outbox.enqueue(tx, queued));
      this.outbox.onQueued(holder);
    }
    return holders;
  }

  /** Consent requests and answers, compromise reports, reclassification notices and audit heads. */
  async receive(message: Message, results: (VerifiedItem | RefusedItem)[]): Promise<Receipt> {
    const at = nowIso(this.ctx);
    const receiptItems: Receipt['items'] = [];
    const entries: AuditEntryInput[] = [];
    const after: (() => Promise<void>)[] = [];
    const receipt = await this.ctx.audit.appendWithin(async (tx) => {
      for (const r of results) {
        const obj = message.items[r.index]!.object as Record<string, unknown>;
        const id = String(obj.id ?? obj.ref ?? obj.request ?? `${message.id}/${r.index}`);
        if (r.status === 'refused') {
          receiptItems.push({ id, version: String(obj.at ?? at), status: 'refused', code: r.code });
          entries.push(receiveRefusal(message, at, id, r.code, { kind: message.kind, reason: r.message }));
          continue;
        }
        const outcome = await applyNotice(this.ctx, this.partners, tx, message, r, at, entries, after);
        receiptItems.push({
          id,
          version: String(obj.at ?? obj.timestamp ?? at),
          status: outcome.status,
          ...(outcome.code ? { code: outcome.code } : {}),
        });
      }
      const receipt: Receipt = {
        type: 'relto-receipt',
        by: this.ctx.party,
        at,
        message: message.id,
        items: receiptItems,
      };
      await putRow(tx, {
        kind: ROWS.inbox,
        key: message.id,
        partner: message.sender,
        status: 'received',
        body: { kind: message.kind, receipt },
      });
      return { result: receipt, entries };
    });
    for (const f of after) await f();
    return receipt;
  }
}
