import type { Kysely, Migration } from 'kysely';
import type { DialectName } from './migrations.js';

/**
 * 0003: the exchange between nodes (contracts §9) keeps keyed JSON rows in one table: the outbox (per
 * partner, in `seq` order), message ids received (replay), release and consent requests, consents per item,
 * partners, signed records kept for relaying (R25), partner audit heads and alarms (R29). One table, one
 * shape: the node's exchange code owns what each kind's body means.
 */
export function exchangeTable(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('exchange_rows')
        .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('partner', 'text')
        .addColumn('ref', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('exchange_rows_kind_key')
        .on('exchange_rows')
        .columns(['kind', 'key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('exchange_rows_queue')
        .on('exchange_rows')
        .columns(['kind', 'partner', 'status', 'seq'])
        .execute();
      await db.schema.createIndex('exchange_rows_ref').on('exchange_rows').columns(['kind', 'ref']).execute();
    },
  };
}
