import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newDataKey } from '../keys/index.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const PG = process.env.RELTO_PG_URL;

async function sqlite(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'relto-exchange-rows-'));
  const store = await openStore({ sqlitePath: join(dir, 'relto.db'), nodeKey: newDataKey() });
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgres(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const schema = `relto_x_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const store = await openStore({ pgUrl: PG!, pgSchema: schema, nodeKey: newDataKey() });
  return { store, cleanup: async () => {} };
}

for (const [name, make] of [
  ['SQLite', sqlite],
  ...(PG ? ([['PostgreSQL', postgres]] as const) : []),
] as const) {
  describe(`exchange rows (${name})`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => cleanup?.());

    it('keeps one row per (kind, key): a second put returns the held row unchanged (idempotent outbox, §9)', async () => {
      const h = await make();
      cleanup = async () => {
        await h.store.close();
        await h.cleanup();
      };
      const a = await h.store.putExchange({
        kind: 'outbox',
        key: 'm1',
        partner: 'JPN',
        status: 'pending',
        body: { n: 1 },
      });
      const b = await h.store.putExchange({
        kind: 'outbox',
        key: 'm1',
        partner: 'JPN',
        status: 'pending',
        body: { n: 2 },
      });
      expect(a.added).toBe(true);
      expect(b.added).toBe(false);
      expect(b.row.body).toEqual({ n: 1 });
      await h.store.putExchange({
        kind: 'outbox',
        key: 'm2',
        partner: 'JPN',
        status: 'pending',
        body: { n: 3 },
      });
      await h.store.putExchange({
        kind: 'outbox',
        key: 'm3',
        partner: 'USA',
        status: 'pending',
        body: { n: 4 },
      });
      await h.store.updateExchange('outbox', 'm1', { status: 'delivered' });
      const pending = await h.store.listExchange({ kind: 'outbox', partner: 'JPN', status: 'pending' });
      expect(pending.map((r) => r.key)).toEqual(['m2']);
      const all = await h.store.listExchange({ kind: 'outbox' });
      expect(all.map((r) => r.key)).toEqual(['m1', 'm2', 'm3']);
      expect(all[0]!.seq).toBeLessThan(all[1]!.seq);
    });

    it('rolls an exchange row back with its transaction (outbox row and audit entry commit together)', async () => {
      const h = await make();
      cleanup = async () => {
        await h.store.close();
        await h.cleanup();
      };
      await expect(
        h.store.transaction(async (tx) => {
          await tx.putExchange({ kind: 'outbox', key: 'x', status: 'pending', body: {} });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await h.store.getExchange('outbox', 'x')).toBeNull();
    });

    it('puts many rows at once, skipping held (kind, key) pairs, in the order given; custody receipts likewise (R26)', async () => {
      const h = await make();
      cleanup = async () => {
        await h.store.close();
        await h.cleanup();
      };
      await h.store.putExchange({
        kind: 'signed',
        key: 'b',
        ref: 'item-b',
        status: 'held',
        body: { v: 'old' },
      });
      const rows = Array.from({ length: 1_203 }, (_, i) => ({
        kind: 'signed',
        key: i === 1 ? 'b' : `k${i}`,
        ref: `item-${i}`,
        status: 'held',
        body: { v: i },
      }));
      expect(await h.store.putExchangeRows(rows)).toBe(1_202);
      expect(((await h.store.getExchange('signed', 'b'))!.body as { v: unknown }).v).toBe('old');
      const listed = await h.store.listExchange({ kind: 'signed', limit: 5_000 });
      expect(listed).toHaveLength(1_203);
      expect(listed.slice(1, 4).map((r) => r.key)).toEqual(['k0', 'k2', 'k3']);
      await h.store.addCustodyRecords([
        {
          itemId: 'item-1',
          kind: 'receipt',
          by: 'node:KOR',
          at: '2026-03-01T00:00:00.000Z',
          details: { m: 1 },
        },
        { itemId: 'item-2', kind: 'receipt', by: 'node:KOR', details: { m: 1 } },
        { itemId: 'item-1', kind: 'return', by: 'analyst' },
      ]);
      const custody = await h.store.listCustody('item-1');
      expect(custody.map((c) => [c.kind, c.copyNumber, c.by])).toEqual([
        ['receipt', null, 'node:KOR'],
        ['return', null, 'analyst'],
      ]);
      expect(custody[0]!.seq).toBeLessThan(custody[1]!.seq);
      expect(custody[0]!.details).toEqual({ m: 1 });
      // Copies are numbered one at a time, never in bulk.
      await expect(
        h.store.addCustodyRecords([{ itemId: 'item-1', kind: 'copy', by: 'a' }]),
      ).rejects.toThrow();
    });
  });
}
