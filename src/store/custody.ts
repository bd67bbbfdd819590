import { type Selectable, sql } from 'kysely';
import { ReltoError } from '../errors/index.js';
import { unwrap } from '../keys/index.js';
import type { Scope } from './context.js';
import type { CustodyTable, Database } from './database.js';
import { lockObjectWriters } from './meta.js';
import { chunks, json, parse } from './rows.js';
import { searchRowTexts } from './sealed-content.js';
import {
  type CompromiseAdvance,
  type CompromiseHistoryEntry,
  type CompromiseInput,
  type CompromiseReport,
  type CompromiseStatus,
  type CustodyInput,
  type CustodyKind,
  type CustodyRecord,
  compromiseStatuses,
} from './store.js';

/** Custody of items: copies and other records (R26), destruction (R27), compromise reports (R28). */

export async function addCustody(scope: Scope, record: CustodyInput): Promise<CustodyRecord> {
  return scope.atomic(async (s) => {
    let copyNumber: number | null = null;
    if (record.kind === 'copy') {
      // Atomic per item: the counter row is locked until commit, so two copies never share a number.
      const row = await s.db
        .insertInto('counters')
        .values({ name: `copy:${record.itemId}`, value: 1 })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql<number>`counters.value + 1` }))
        .returning('value')
        .executeTakeFirstOrThrow();
      copyNumber = Number(row.value);
    }
    const values = {
      item_id: record.itemId,
      kind: record.kind,
      copy_number: copyNumber,
      by_user: record.by,
      at: record.at ?? s.nowIso(),
      details: json(record.details ?? {}),
    };
    const row = await s.db.insertInto('custody').values(values).returning('seq').executeTakeFirstOrThrow();
    return toCustody({ ...values, seq: row.seq });
  });
}

export async function addCustodyRecords(scope: Scope, records: readonly CustodyInput[]): Promise<void> {
  if (records.length === 0) return;
  if (records.some((r) => r.kind === 'copy')) {
    throw new ReltoError('INVALID_ARGUMENT', 'copies are numbered one by one (addCustody)', '/kind');
  }
  const now = scope.nowIso();
  await scope.atomic(async (s) => {
    // 6 parameters a row: 500 rows stay far below both engines' parameter limits.
    for (let i = 0; i < records.length; i += 500) {
      await s.db
        .insertInto('custody')
        .values(
          records.slice(i, i + 500).map((r) => ({
            item_id: r.itemId,
            kind: r.kind,
            copy_number: null,
            by_user: r.by,
            at: r.at ?? now,
            details: json(r.details ?? {}),
          })),
        )
        .execute();
    }
  });
}

function toCustody(r: Selectable<CustodyTable>): CustodyRecord {
  return {
    seq: Number(r.seq),
    itemId: r.item_id,
    kind: r.kind as CustodyKind,
    copyNumber: r.copy_number === null ? null : Number(r.copy_number),
    by: r.by_user,
    at: r.at,
    details: parse(r.details),
  };
}

export async function listCustody(scope: Scope, itemId: string): Promise<CustodyRecord[]> {
  const rows = await scope.db
    .selectFrom('custody')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => toCustody(r));
}

/** R27: erases the data key, content and index rows of an item and keeps its tombstone. */
export async function destroyObject(scope: Scope, id: string): Promise<boolean> {
  return scope.atomic(async (s) => {
    await lockObjectWriters(s);
    const item = await s.db
      .selectFrom('items')
      .select(['destroyed_at', 'wrapped_key'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!item || item.destroyed_at !== null) return false;
    // The index terms are removed using the sealed texts, opened one last time before the key goes.
    const key = item.wrapped_key ? unwrap(s.ctx.nodeKey, item.wrapped_key, id) : null;
    const indexRows = s.ctx.ops.sealsSearchText
      ? await searchRowTexts(s.db, id, key)
      : (await s.db.selectFrom('search_rows').select('row_id').where('object_id', '=', id).execute()).map(
          (r) => ({ row_id: Number(r.row_id), text: null }),
        );
    for (const part of chunks(indexRows, 500)) await s.ctx.ops.deleteSearchIndex(s.db, part);
    await s.db.deleteFrom('search_rows').where('object_id', '=', id).execute();
    await s.db.deleteFrom('object_versions').where('id', '=', id).execute();
    // R27: without its data key the item cannot be read again, even from a backup of the old rows.
    await s.db
      .updateTable('items')
      .set({ wrapped_key: null, destroyed_at: s.nowIso() })
      .where('id', '=', id)
      .execute();
    s.afterCommit!.push(() => s.ctx.ops.afterDestroy(s.ctx.root));
    return true;
  });
}

function toCompromise(r: Selectable<Database['compromises']>): CompromiseReport {
  return {
    id: r.id,
    items: parse(r.items),
    reportedBy: r.reported_by,
    reportedAt: r.reported_at,
    originator: r.originator,
    status: r.status as CompromiseStatus,
    deadlines: parse(r.deadlines),
    description: r.description,
    findings: r.findings,
    measures: r.measures,
    history: parse(r.history),
    updatedAt: r.updated_at,
  };
}

export async function createCompromise(scope: Scope, report: CompromiseInput): Promise<CompromiseReport> {
  return scope.atomic(async (s) => {
    if (await getCompromise(s, report.id)) {
      throw new ReltoError('CONFLICT', `a compromise report ${report.id} exists`);
    }
    const at = report.reportedAt ?? s.nowIso();
    const history: CompromiseHistoryEntry[] = [{ at, by: report.reportedBy, status: 'reported' }];
    const row = await s.db
      .insertInto('compromises')
      .values({
        id: report.id,
        items: json(report.items),
        reported_by: report.reportedBy,
        reported_at: at,
        originator: report.originator,
        status: 'reported',
        deadlines: json(report.deadlines ?? {}),
        description: report.description ?? null,
        findings: null,
        measures: null,
        history: json(history),
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toCompromise(row);
  });
}

export async function getCompromise(scope: Scope, id: string): Promise<CompromiseReport | null> {
  const row = await scope.db.selectFrom('compromises').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCompromise(row) : null;
}

export async function listCompromises(
  scope: Scope,
  filter: { status?: CompromiseStatus; originator?: string } = {},
): Promise<CompromiseReport[]> {
  let q = scope.db.selectFrom('compromises').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.originator) q = q.where('originator', '=', filter.originator);
  const rows = await q.orderBy('reported_at').orderBy('id').execute();
  return rows.map((r) => toCompromise(r));
}

export async function advanceCompromise(
  scope: Scope,
  id: string,
  step: CompromiseAdvance,
): Promise<CompromiseReport> {
  return scope.atomic(async (s) => {
    const current = await getCompromise(s, id);
    if (!current) throw new ReltoError('NOT_FOUND', `no compromise report ${id}`);
    const next = compromiseStatuses[compromiseStatuses.indexOf(current.status) + 1];
    // R28: reported → investigating → findings-sent → closed, one step at a time.
    if (step.to !== next) {
      throw new ReltoError(
        'CONFLICT',
        `a compromise report goes from ${current.status} only to ${next ?? 'nothing (it is closed)'}`,
        '/to',
      );
    }
    if (step.to === 'findings-sent' && !(step.findings ?? current.findings)) {
      throw new ReltoError('CONFLICT', 'findings must be recorded before they are sent', '/findings');
    }
    const at = step.at ?? s.nowIso();
    const entry: CompromiseHistoryEntry = { at, by: step.by, status: step.to };
    if (step.note !== undefined) entry.note = step.note;
    const row = await s.db
      .updateTable('compromises')
      .set({
        status: step.to,
        findings: step.findings ?? current.findings,
        measures: step.measures ?? current.measures,
        deadlines: json({ ...current.deadlines, ...step.deadlines }),
        history: json([...current.history, entry]),
        updated_at: at,
      })
      .where('id', '=', id)
      // Guards a concurrent step made between the read and this write.
      .where('status', '=', current.status)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ReltoError('CONFLICT', `compromise report ${id} changed meanwhile`);
    return toCompromise(row);
  });
}
