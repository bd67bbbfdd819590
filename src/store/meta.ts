import { sql } from 'kysely';
import type { Scope } from './context.js';

/** Node meta (key/value) and the named counters (clock, audit size, search row ids, copy numbers). */

export async function getMeta(scope: Scope, key: string): Promise<string | null> {
  const row = await scope.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function setMeta(scope: Scope, key: string, value: string): Promise<void> {
  await scope.db
    .insertInto('meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** Adds `n` to the counter `name` and returns its new value; the row stays locked until commit. */
export async function bump(scope: Scope, name: string, n: number): Promise<number> {
  const row = await scope.db
    .updateTable('counters')
    .set({ value: sql<number>`value + ${n}` })
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/**
 * Serialises the transactions that change objects (posts, destructions, reclassifications) on the clock
 * row, so each sees what the one before it committed: two posts of one new id, or a post racing a
 * destruction, cannot both act on the same stale read (PostgreSQL; SQLite has one writer anyway).
 */
export async function lockObjectWriters(scope: Scope): Promise<void> {
  await scope.db
    .updateTable('counters')
    .set({ value: sql<number>`value` })
    .where('name', '=', 'clock')
    .execute();
}

/**
 * Reserves `n` date_added instants (µs), strictly increasing per store; returns the first. The counter row
 * stays locked until commit, so rows become visible in date_added order and paging never skips one.
 */
export async function allocateClock(scope: Scope, n: number): Promise<number> {
  const nowUs = Math.floor(scope.ctx.now() * 1000);
  const row = await scope.db
    .updateTable('counters')
    .set({ value: sql<number>`${sql.raw(scope.ctx.ops.greatest)}(value + 1, ${nowUs}) + ${n - 1}` })
    .where('name', '=', 'clock')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - n + 1;
}
