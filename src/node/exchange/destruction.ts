import type { Store } from '../../store/index.js';
import { getRow, isQueued, listRows, ROWS, updateRow } from './rows.js';

/**
 * R27 for the exchange's rows: what they may still carry of a destroyed item's content goes with it, in the
 * destruction's transaction (the store then wipes freed pages and checkpoints the WAL). A message queued today
 * is sealed for its partner with held objects by reference, and a received item's signed record keeps its proof
 * beside the sealed object; but a message an earlier version queued in clear keeps its objects inline until it
 * is sent (migration 0005 brought it to today's shape, not its objects into the store). The destroyed item is
 * left out of such a message: it can no longer travel.
 */
export async function forgetDestroyedContent(tx: Store, itemId: string): Promise<number> {
  const messages = new Set<string>();
  for (const row of await listRows(tx, { kind: ROWS.released, ref: itemId })) messages.add(row.body.message);
  let slimmed = 0;
  for (const id of messages) {
    const row = await getRow(tx, ROWS.outbox, id);
    if (row?.status !== 'pending' || !isQueued(row.body)) continue;
    const items = row.body.items.filter((i) => 'held' in i || i.object.id !== itemId);
    if (items.length === row.body.items.length) continue;
    await updateRow(tx, ROWS.outbox, id, { body: { ...row.body, items } });
    slimmed++;
  }
  return slimmed;
}
