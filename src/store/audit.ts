import type { Selectable } from 'kysely';
import type { Scope } from './context.js';
import type { Database } from './database.js';
import { bump } from './meta.js';
import { toBytes } from './rows.js';
import type { AuditAppend, AuditRow, TreeHead } from './store.js';

/** The audit log (R29): entries with dense indexes 0..n-1, appended in groups, and the signed tree heads. */

export async function appendAudit(scope: Scope, entries: AuditAppend[]): Promise<number> {
  if (entries.length === 0) return auditSize(scope);
  return scope.atomic(async (s) => {
    // The audit counter row stays locked until commit: indexes are dense and never handed out twice.
    const first = (await bump(s, 'audit', entries.length)) - entries.length;
    const at = s.nowIso();
    if (s.ctx.ops.insertAudit) await s.ctx.ops.insertAudit(s.db, first, at, entries);
    else {
      await s.ctx.ops.insertMany(
        s.db,
        'audit_log',
        entries.map((e, k) => ({ idx: first + k, leaf_hash: e.leafHash, entry: e.entry, appended_at: at })),
      );
    }
    return first;
  });
}

export async function auditSize(scope: Scope): Promise<number> {
  const row = await scope.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'audit')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function readAudit(scope: Scope, from: number, to: number): Promise<AuditRow[]> {
  const rows = await scope.db
    .selectFrom('audit_log')
    .selectAll()
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({
    index: Number(r.idx),
    leafHash: toBytes(r.leaf_hash),
    entry: r.entry,
    appendedAt: r.appended_at,
  }));
}

export async function readAuditLeaves(scope: Scope, from: number, to: number): Promise<Uint8Array[]> {
  const rows = await scope.db
    .selectFrom('audit_log')
    .select('leaf_hash')
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => toBytes(r.leaf_hash));
}

export async function putTreeHead(scope: Scope, head: TreeHead): Promise<void> {
  const values = {
    size: head.size,
    root_hash: head.rootHash,
    timestamp: head.timestamp,
    signature: head.signature,
  };
  await scope.db
    .insertInto('audit_heads')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('size')
        .doUpdateSet({ root_hash: head.rootHash, timestamp: head.timestamp, signature: head.signature }),
    )
    .execute();
}

function toHead(r: Selectable<Database['audit_heads']>): TreeHead {
  return {
    size: Number(r.size),
    rootHash: toBytes(r.root_hash),
    timestamp: r.timestamp,
    signature: toBytes(r.signature),
  };
}

export async function getTreeHead(scope: Scope, size: number): Promise<TreeHead | null> {
  const row = await scope.db
    .selectFrom('audit_heads')
    .selectAll()
    .where('size', '=', size)
    .executeTakeFirst();
  return row ? toHead(row) : null;
}

export async function latestTreeHead(scope: Scope): Promise<TreeHead | null> {
  const row = await scope.db
    .selectFrom('audit_heads')
    .selectAll()
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toHead(row) : null;
}
