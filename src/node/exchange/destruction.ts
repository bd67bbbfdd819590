import type { Message } from '../../exchange/index.js';
import type { Store } from '../../store/index.js';
import type { LegacyOutboxBody } from './rows.js';

/**
 * R27 for the exchange's rows: what they may still carry of a destroyed item's content goes with it, in the
 * destruction's transaction (the store then wipes freed pages and checkpoints the WAL). Rows written today
 * carry none — a queued message is sealed for its partner with held objects by reference, a received item's
 * signed record keeps its proof beside the sealed object — so this slims rows written before that: signed
 * records holding the object, and pending messages holding it in clear (the item is left out: it can no
 * longer travel). Kind names as rows.ts's ROWS (written out: custody loads this without the exchange).
 */
export async function forgetDestroyedContent(tx: Store, itemId: string): Promise<number> {
  let slimmed = 0;
  for (const row of await tx.listExchange({ kind: 'signed', ref: itemId })) {
    const body = row.body as {
      record?: { object?: { id?: unknown; modified?: unknown; created?: unknown } };
    };
    const record = body.record;
    if (!record?.object || record.object.id !== itemId) continue;
    const { object, ...proof } = record;
    const version = String(object.modified ?? object.created ?? '');
    await tx.updateExchange('signed', row.key, { body: { version, ...proof } });
    slimmed++;
  }
  const messages = new Set<string>();
  for (const row of await tx.listExchange({ kind: 'released', ref: itemId })) {
    const message = (row.body as { message?: unknown }).message;
    if (typeof message === 'string') messages.add(message);
  }
  for (const id of messages) {
    const row = await tx.getExchange('outbox', id);
    if (row?.status !== 'pending' || !('message' in (row.body as object))) continue;
    const { message } = row.body as LegacyOutboxBody;
    const items = message.items.filter((i) => (i.object as { id?: unknown }).id !== itemId);
    if (items.length === message.items.length) continue;
    await tx.updateExchange('outbox', id, { body: { message: { ...message, items } satisfies Message } });
    slimmed++;
  }
  return slimmed;
}
