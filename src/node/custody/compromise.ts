import { randomUUID } from 'node:crypto';
import { ReltoError } from '../../errors/index.js';
import type { CompromiseAdvance, CompromiseReport } from '../../store/index.js';
import { deciderFor, type NodeContext, nowIso } from '../context.js';
import type { Person } from '../service.js';
import { forbidden } from './custody.js';

/**
 * A compromise report (R28): decide(report-compromise) on every item concerned (security officers; the
 * decision needs nothing else), then the report in status `reported`, audited.
 */
export async function reportCompromise(
  ctx: NodeContext,
  person: Person,
  report: { items: string[]; description?: string; deadlines?: Record<string, string> },
): Promise<CompromiseReport> {
  if (!Array.isArray(report?.items) || report.items.length === 0) {
    throw new ReltoError('MALFORMED_REQUEST', 'a compromise report names at least one item', '/items');
  }
  const decider = deciderFor(ctx, person);
  let originator: string | null = null;
  for (const [i, itemId] of report.items.entries()) {
    const row = await ctx.store.getObject(itemId);
    if (!row?.floor) throw new ReltoError('NOT_FOUND', `no item ${itemId}`, `/items/${i}`);
    await ctx.book.load([row.floor]);
    const answer = decider.answer(row.floor, 'report-compromise', itemId);
    decider.note(row.floor, 'report-compromise', itemId);
    if (answer?.decision !== 'permit') {
      for (const e of decider.auditEntries('report-compromise')) ctx.audit.record(e);
      forbidden('a compromise report', itemId, answer);
    }
    originator ??= ctx.book.label(row.floor)!.originator;
  }
  return ctx.audit.appendWithin(async (tx) => {
    const created = await tx.createCompromise({
      id: `compromise--${randomUUID()}`,
      items: report.items,
      reportedBy: person.name,
      reportedAt: decider.at,
      originator: originator!,
      ...(report.deadlines ? { deadlines: report.deadlines } : {}),
      ...(report.description !== undefined ? { description: report.description } : {}),
    });
    return {
      result: created,
      entries: [
        ...decider.auditEntries('report-compromise'),
        {
          kind: 'compromise',
          at: decider.at,
          actor: person.name,
          subjects: [created.id, ...created.items],
          action: 'reported',
        },
      ],
    };
  });
}

/** R28: reported → investigating → findings-sent → closed, by a security officer, audited. */
export async function advanceCompromise(
  ctx: NodeContext,
  person: Person,
  id: string,
  step: Omit<CompromiseAdvance, 'by'>,
): Promise<CompromiseReport> {
  deciderFor(ctx, person).require('handle-compromise');
  const at = nowIso(ctx);
  return ctx.audit.appendWithin(async (tx) => {
    const report = await tx.advanceCompromise(id, { ...step, by: person.name, at: step.at ?? at });
    return {
      result: report,
      entries: [
        {
          kind: 'compromise',
          at,
          actor: person.name,
          subjects: [id],
          action: report.status,
          ...(step.note ? { details: { note: step.note } } : {}),
        },
      ],
    };
  });
}

/** Compromise reports: security officers and administrators only (R28, R35). */
export async function listCompromises(ctx: NodeContext, person: Person): Promise<CompromiseReport[]> {
  deciderFor(ctx, person).require('read-compromises');
  return ctx.store.listCompromises();
}
