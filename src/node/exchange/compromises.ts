import { deciderFor, type NodeContext } from '../context.js';
import type { Person } from '../service.js';
import { type Author, toItem } from './messages.js';
import type { Outbox } from './outbox.js';
import type { PartnerBook } from './partners.js';
import { getRow, listRows, putRow, ROWS } from './rows.js';

/**
 * Compromise reports between nodes (R28): the reports of foreign items this node files go to their originator
 * through the outbox; those received from holders of this node's items are read by its security officers.
 */

/** R28: compromise reports of foreign items this node has not yet sent to their originator. */
export async function forwardCompromises(
  ctx: NodeContext,
  author: Author,
  partners: PartnerBook,
  outbox: Outbox,
): Promise<number> {
  let n = 0;
  for (const report of await ctx.store.listCompromises()) {
    if (report.originator === ctx.party) continue;
    if (!(await partners.get(report.originator))) continue;
    const key = `${report.id}|${report.status}`;
    if (await getRow(ctx.store, ROWS.compromiseSent, key)) continue;
    const objects = report.items.map((item) => ({
      type: 'relto-compromise-report' as const,
      id: `${report.id}|${item}`,
      item,
      by: ctx.party,
      at: report.updatedAt,
      status: compromiseWireStatus(report.status),
      description: report.description || 'loss or compromise reported',
      ...(report.findings ? { findings: report.findings } : {}),
      ...(report.measures ? { measures: report.measures } : {}),
    }));
    const message = author.newMessage(
      'compromise-report',
      report.originator,
      author.signOwn(objects).map((r) => toItem(r)),
    );
    const queued = await outbox.row(message);
    await ctx.store.transaction(async (tx) => {
      await putRow(tx, {
        kind: ROWS.compromiseSent,
        key,
        status: 'queued',
        body: { message: message.id },
      });
      await outbox.enqueue(tx, queued);
    });
    outbox.onQueued(report.originator);
    n++;
  }
  return n;
}

/** Compromise reports received from holders of this node's items (R28), for its security officers. */
export async function compromisesReceived(ctx: NodeContext, actor: Person): Promise<unknown[]> {
  const me = await ctx.people.require(actor);
  deciderFor(ctx, me).require('read-received-compromises');
  return (await listRows(ctx.store, { kind: ROWS.compromiseIn })).map((r) => r.body);
}

/** How a report's state is named on the wire. */
function compromiseWireStatus(s: string): 'reported' | 'under-investigation' | 'findings' | 'closed' {
  if (s === 'investigating') return 'under-investigation';
  if (s === 'findings-sent') return 'findings';
  if (s === 'closed') return 'closed';
  return 'reported';
}
