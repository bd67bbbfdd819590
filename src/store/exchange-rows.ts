import type { Insertable, Selectable } from 'kysely';
import { ReltoError } from '../errors/index.js';
import type { Scope } from './context.js';
import type { ExchangeRowTable } from './database.js';
import type { ExchangeFilter, ExchangeRow, ExchangeRowInput } from './store.js';

/** The exchange between nodes (contracts §9): keyed JSON rows, `kind` + `key` unique, in seq order. */

function toExchangeRow(r: Selectable<ExchangeRowTable>): ExchangeRow {
  return {
    seq: Number(r.seq),
    kind: r.kind,
    key: r.key,
    partner: r.partner,
    ref: r.ref,
    status: r.status,
    body: JSON.parse(r.body) as unknown,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The columns of a new row, created and updated `at`. */
function toColumns(row: ExchangeRowInput, at: string): Insertable<ExchangeRowTable> {
  return {
    kind: row.kind,
    key: row.key,
    partner: row.partner ?? null,
    ref: row.ref ?? null,
    status: row.status,
    body: JSON.stringify(row.body),
    created_at: at,
    updated_at: at,
  };
}

export async function putExchange(
  scope: Scope,
  row: ExchangeRowInput,
): Promise<{ row: ExchangeRow; added: boolean }> {
  const at = scope.nowIso();
  const inserted = await scope.db
    .insertInto('exchange_rows')
    .values(toColumns(row, at))
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: toExchangeRow(inserted), added: true };
  const held = await getExchange(scope, row.kind, row.key);
  if (!held) throw new ReltoError('INTERNAL', `exchange row ${row.kind}/${row.key} vanished`);
  return { row: held, added: false };
}

export async function putExchangeRows(scope: Scope, rows: readonly ExchangeRowInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const at = scope.nowIso();
  return scope.atomic(async (s) => {
    let added = 0;
    // 8 parameters a row: 500 rows stay far below both engines' parameter limits.
    for (let i = 0; i < rows.length; i += 500) {
      const inserted = await s.db
        .insertInto('exchange_rows')
        .values(rows.slice(i, i + 500).map((row) => toColumns(row, at)))
        .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
        .returning('kind')
        .execute();
      added += inserted.length;
    }
    return added;
  });
}

export async function getExchange(scope: Scope, kind: string, key: string): Promise<ExchangeRow | null> {
  const r = await scope.db
    .selectFrom('exchange_rows')
    .selectAll()
    .where('kind', '=', kind)
    .where('key', '=', key)
    .executeTakeFirst();
  return r ? toExchangeRow(r) : null;
}

export async function updateExchange(
  scope: Scope,
  kind: string,
  key: string,
  patch: { status?: string; body?: unknown },
): Promise<ExchangeRow | null> {
  const r = await scope.db
    .updateTable('exchange_rows')
    .set({
      updated_at: scope.nowIso(),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.body !== undefined ? { body: JSON.stringify(patch.body) } : {}),
    })
    .where('kind', '=', kind)
    .where('key', '=', key)
    .returningAll()
    .executeTakeFirst();
  return r ? toExchangeRow(r) : null;
}

export async function listExchange(scope: Scope, filter: ExchangeFilter): Promise<ExchangeRow[]> {
  let q = scope.db.selectFrom('exchange_rows').selectAll().where('kind', '=', filter.kind);
  if (filter.partner !== undefined) q = q.where('partner', '=', filter.partner);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.ref !== undefined) q = q.where('ref', '=', filter.ref);
  if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
  const rows = await q
    .orderBy('seq', 'asc')
    .limit(filter.limit ?? 10_000)
    .execute();
  return rows.map((r) => toExchangeRow(r));
}
