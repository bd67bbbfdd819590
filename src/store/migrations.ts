import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { codeMeaning, ReltoError } from '../errors/index.js';
import { microsToStamp, normaliseStamp } from './time.js';

export type DialectName = 'sqlite' | 'postgres';

/** Column types that differ only in name between the two databases. */
function types(dialect: DialectName) {
  return dialect === 'sqlite'
    ? ({ blob: 'blob', big: 'integer' } as const)
    : ({ blob: 'bytea', big: 'bigint' } as const);
}

/** 0001: every table but the dialect's full-text index (written once, for both databases). */
export function coreTables(dialect: DialectName): Migration {
  const t = types(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', t.big, (c) => c.notNull())
        .execute();
      await db
        .insertInto('counters' as never)
        .values([
          { name: 'clock', value: 0 },
          { name: 'audit', value: 0 },
          { name: 'search', value: 0 },
        ] as never)
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('party', 'text', (c) => c.notNull())
        .addColumn('clearance', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('designations', 'text', (c) => c.notNull())
        .addColumn('restrictive', 'text', (c) => c.notNull())
        .addColumn('contractor', 'integer', (c) => c.notNull())
        .addColumn('official', 'integer', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_name').execute();
      await db.schema
        .createTable('marking_definitions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('alternative_of', 'text')
        .addColumn('json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('marking_definitions_alternative_of')
        .on('marking_definitions')
        .column('alternative_of')
        .execute();
      await db.schema
        .createTable('items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('wrapped_key', t.blob)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('destroyed_at', 'text')
        .execute();
      await db.schema
        .createTable('object_versions')
        .addColumn('added', t.big, (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('spec_version', 'text', (c) => c.notNull())
        .addColumn('modified', 'text')
        .addColumn('created', 'text')
        .addColumn('created_by_ref', 'text')
        .addColumn('latest', 'integer', (c) => c.notNull())
        .addColumn('floor', 'text')
        .addColumn('marking_refs', 'text', (c) => c.notNull())
        .addColumn('granular_markings', 'text', (c) => c.notNull())
        .addColumn('originator', 'text')
        .addColumn('level_rank', 'integer')
        .addColumn('tier', 'text')
        .addColumn('topics', 'text', (c) => c.notNull())
        .addColumn('content', t.blob, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('object_versions_id_version')
        .on('object_versions')
        .columns(['id', 'version'])
        .unique()
        .execute();
      await db.schema
        .createIndex('object_versions_type')
        .on('object_versions')
        .columns(['type', 'added'])
        .execute();
      await db.schema
        .createTable('search_rows')
        .addColumn('row_id', t.big, (c) => c.primaryKey())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('marking_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('originator', 'text')
        .addColumn('level_rank', 'integer')
        .addColumn('tier', 'text')
        .addColumn('topics', 'text', (c) => c.notNull())
        .addColumn('stamp', 'text', (c) => c.notNull())
        .addColumn('latest', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('search_rows_object').on('search_rows').column('object_id').execute();
      await db.schema
        .createTable('custody')
        .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('copy_number', 'integer')
        .addColumn('by_user', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('custody_item').on('custody').columns(['item_id', 'seq']).execute();
      await db.schema
        .createTable('compromises')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('reported_by', 'text', (c) => c.notNull())
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .addColumn('originator', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('deadlines', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('findings', 'text')
        .addColumn('measures', 'text')
        .addColumn('history', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('compromises_status').on('compromises').column('status').execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('idx', t.big, (c) => c.primaryKey())
        .addColumn('leaf_hash', t.blob, (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('appended_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_heads')
        .addColumn('size', t.big, (c) => c.primaryKey())
        .addColumn('root_hash', t.blob, (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('signature', t.blob, (c) => c.notNull())
        .execute();
    },
  };
}

/** 0006: the language a person chose for the web workspace (null: the node's party's). */
export const personLang: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('lang', 'text').execute();
  },
};

/**
 * 0007: marking-definitions are objects of the TAXII collection, so each gets a date_added from the same
 * clock as the object versions (one sequence: paging and `added_after` count them like any object) and its
 * version (`created`). Definitions held before this get instants after everything held, in id order.
 */
export function markingsInCollection(dialect: DialectName): Migration {
  const t = types(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('marking_definitions').addColumn('added', t.big).execute();
      await db.schema.alterTable('marking_definitions').addColumn('version', 'text').execute();
      const { rows } = await sql<{ id: string; json: string }>`
        select id, json from marking_definitions order by id`.execute(db);
      const clock = await sql<{ value: number | string }>`
        select value from counters where name = 'clock'`.execute(db);
      let added = Math.max(Number(clock.rows[0]?.value ?? 0), Date.now() * 1000);
      for (const row of rows) {
        added += 1;
        const created = (JSON.parse(row.json) as { created?: unknown }).created;
        const version = typeof created === 'string' ? normaliseStamp(created) : microsToStamp(added);
        await sql`update marking_definitions set added = ${added}, version = ${version}
          where id = ${row.id}`.execute(db);
      }
      if (rows.length > 0) await sql`update counters set value = ${added} where name = 'clock'`.execute(db);
      await db.schema
        .createIndex('marking_definitions_added')
        .on('marking_definitions')
        .column('added')
        .unique()
        .execute();
    },
  };
}

/** 0008: news feeds and the keys their items are known by (contracts §11). */
export const feedTables: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('feeds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull().unique())
      .addColumn('source_kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('every_seconds', 'integer', (c) => c.notNull())
      .addColumn('lang', 'text')
      .addColumn('topics', 'text', (c) => c.notNull())
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('problem', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('polled_at', 'text')
      .addColumn('next_poll_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('feed_keys')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('report_id', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('feed_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('feed_keys_report').on('feed_keys').column('report_id').execute();
  },
};

/** 0009: daily brief subscriptions and the durable outbox of mail (contracts §11). */
export const briefTables: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('brief_subscriptions')
      .addColumn('person', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('lang', 'text', (c) => c.notNull())
      .addColumn('topics', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('confirm_hash', 'text', (c) => c.unique())
      .addColumn('confirm_expires_at', 'text')
      .addColumn('unsubscribe_token', 'text', (c) => c.notNull().unique())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', 'text')
      .addColumn('next_send_at', 'text')
      .execute();
    await db.schema
      .createIndex('brief_subscriptions_due')
      .on('brief_subscriptions')
      .columns(['state', 'next_send_at'])
      .execute();
    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('person', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema
      .createIndex('mail_outbox_due')
      .on('mail_outbox')
      .columns(['state', 'next_attempt_at'])
      .execute();
  },
};

/** Runs every pending migration (tracked by Kysely in `relto_migrations`); throws if one fails. */
export async function migrate(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  schema?: string,
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'relto_migrations',
    migrationLockTableName: 'relto_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new ReltoError('INTERNAL', `storage migration ${failed} failed: ${String(error)}`);
  }
}

/** Raw SQL helper for migrations that need statements the schema builder lacks. */
export async function exec(db: Kysely<unknown>, statement: string): Promise<void> {
  await sql.raw(statement).execute(db);
}

/** A release request as 0005 reads it: the fields its state is made from. */
interface RequestShape {
  status: string;
  to: string;
  message?: string;
}

/**
 * A release request written while `approved` stood for pending, delivered and refused alike: its state from
 * its message's outbox row (receipted with every item stored, refused, or still on its way).
 */
async function settledRequest(
  db: Kysely<unknown>,
  request: RequestShape,
): Promise<{ status: string; body: object }> {
  const out = request.message
    ? (
        await sql<{ status: string; body: string; updated_at: string }>`
          select status, body, updated_at from exchange_rows where kind = 'outbox' and key = ${request.message}`.execute(
          db,
        )
      ).rows[0]
    : undefined;
  if (!out || out.status === 'pending') return { status: 'pending', body: { ...request, status: 'pending' } };
  const settled = JSON.parse(out.body) as {
    receipt?: { at?: string; items?: { status: string; code?: string }[] };
    refusal?: string;
  };
  const refused = (settled.receipt?.items ?? []).filter((i) => i.status === 'refused');
  if (out.status === 'delivered' && refused.length === 0) {
    const deliveredAt = settled.receipt?.at ?? out.updated_at;
    return { status: 'delivered', body: { ...request, status: 'delivered', deliveredAt } };
  }
  const code = settled.refusal ?? refused[0]?.code ?? 'REFUSED';
  const refusal = {
    by: `node:${request.to}`,
    party: request.to,
    at: out.updated_at,
    code,
    reason: codeMeaning(code),
  };
  return { status: 'refused', body: { ...request, status: 'refused', refusal } };
}

/**
 * An exchange row in the shape an earlier version wrote, in today's: a pending outbox message kept whole in
 * clear (`{message}`), and a received object's signed record kept with the object (`{record}`). Other rows as
 * they are. Pure: no I/O.
 */
function upgradedExchangeBody(kind: string, status: string, body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  if (kind === 'outbox' && status === 'pending' && 'message' in body && !('envelope' in body)) {
    // Queued before messages were sealed when queued: no sealed copy, so it is sealed when next sent.
    const { items, ...envelope } = (body as { message: { items: unknown[] } }).message;
    return { envelope, items };
  }
  if (kind === 'signed' && 'record' in body) {
    const { object, ...proof } = (body as { record: { object?: Record<string, unknown> } }).record;
    // A label's record stays whole (it is relayed as it is); an object's keeps its proof, the object being
    // held (sealed) in the store (R27).
    if (!object || object.type === 'marking-definition') return body;
    return { version: String(object.modified ?? object.created ?? ''), ...proof };
  }
  return body;
}

/**
 * 0005: exchange rows in the shapes earlier versions wrote, rewritten in today's (`upgradedExchangeBody`), and
 * release requests that said `approved` given the state of their message — so the exchange reads one shape per
 * kind. A few hundred rows at a time, in `seq` order.
 */
export const exchangeRowShapes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    let after = 0;
    for (;;) {
      const { rows } = await sql<{ seq: number | string; kind: string; status: string; body: string }>`
        select seq, kind, status, body from exchange_rows
        where seq > ${after} and kind in ('outbox', 'signed', 'release-request')
        order by seq limit 500`.execute(db);
      if (rows.length === 0) return;
      for (const row of rows) {
        after = Number(row.seq);
        const body = JSON.parse(row.body) as object;
        const next =
          row.kind === 'release-request'
            ? (body as RequestShape).status === 'approved'
              ? await settledRequest(db, body as RequestShape)
              : { status: row.status, body }
            : { status: row.status, body: upgradedExchangeBody(row.kind, row.status, body) };
        if (next.body === body && next.status === row.status) continue;
        await sql`update exchange_rows set status = ${next.status}, body = ${JSON.stringify(next.body)}
          where seq = ${after}`.execute(db);
      }
    }
  },
};
