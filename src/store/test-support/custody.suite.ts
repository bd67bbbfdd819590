import { describe, expect, it } from 'vitest';
import { HIGH, HIGHER, ids, LOW, report, stamp, uuid, type WithStore } from './fixtures.js';

/** Destruction (R27), reclassification (R8), custody records (R26) and compromise reports (R28). */
export function custodyTests(withStore: WithStore): void {
  describe('destruction (R27)', () => {
    it('erases content, key and index rows, keeps a tombstone, and refuses the id again', () =>
      withStore(async (store) => {
        const a = report({ name: 'zebracode alpha', portion: 'zebracode bravo' });
        const keep = report({ name: 'zebracode kept' });
        await store.putObjects([a, keep]);
        expect(await store.destroyObject(a.object.id)).toBe(true);
        expect(await store.getObject(a.object.id)).toBeNull();
        expect((await store.getItem(a.object.id))?.destroyedAt).toEqual(expect.any(String));
        expect((await store.search({ text: 'zebracode', allVersions: true })).map((h) => h.id)).toEqual([
          keep.object.id,
        ]);
        expect(ids((await store.fetchObjects({ versions: ['all'] })).rows)).toEqual([keep.object.id]);
        const [again] = await store.putObjects([a]);
        expect(again?.status).toBe('destroyed');
        expect(await store.getObject(a.object.id)).toBeNull();
        expect(await store.destroyObject(a.object.id)).toBe(false);
        expect(await store.destroyObject('report--99999999-9999-4999-8999-999999999999')).toBe(false);
      }));
  });

  describe('reclassification (R8)', () => {
    it('re-marks every stored version and its index rows in one go', () =>
      withStore(async (store) => {
        const id = `report--${uuid()}`;
        await store.putObjects([
          report({ id, modified: stamp(1), name: 'reclass word', portion: 'deep words' }),
        ]);
        await store.putObjects([
          report({ id, modified: stamp(2), name: 'reclass word', portion: 'deep words' }),
        ]);
        const changed = await store.replaceMarking(id, LOW, HIGHER, { levelRank: 3, tier: 'S' });
        expect(changed).toBe(2);
        const all = await store.fetchObjects({ ids: [id], versions: ['all'] });
        for (const row of all.rows) {
          expect(row.floor).toBe(HIGHER);
          expect(row.object?.object_marking_refs).toEqual([HIGHER]);
          expect(row.levelRank).toBe(3);
          expect(row.tier).toBe('S');
        }
        const hits = await store.search({ text: 'reclass', allVersions: true });
        expect(hits.map((h) => h.markingId)).toEqual([HIGHER, HIGHER]);
        expect(await store.search({ text: 'reclass', levelRankMax: 2 })).toEqual([]);
        expect(await store.replaceMarking(id, HIGH, LOW)).toBe(2); // the granular portion marking
        const latest = await store.getObject(id);
        expect(latest?.object?.granular_markings).toEqual([expect.objectContaining({ marking_ref: LOW })]);
        expect((await store.search({ text: 'deep' })).map((h) => h.markingId)).toEqual([LOW]);
        expect(await store.replaceMarking(id, HIGH, LOW)).toBe(0);
      }));
  });

  describe('custody (R26)', () => {
    it('numbers copies per item atomically, and records every kind with who and when', () =>
      withStore(async (store) => {
        const item = `report--${uuid()}`;
        const other = `report--${uuid()}`;
        await store.addCustody({ itemId: item, kind: 'receipt', by: 'alice' });
        const copies = await Promise.all(
          Array.from({ length: 8 }, () => store.addCustody({ itemId: item, kind: 'copy', by: 'bob' })),
        );
        expect(copies.map((c) => c.copyNumber).sort((x, y) => x! - y!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        const otherCopy = await store.addCustody({ itemId: other, kind: 'copy', by: 'bob' });
        expect(otherCopy.copyNumber).toBe(1);
        const printed = await store.addCustody({
          itemId: item,
          kind: 'print',
          by: 'carol',
          at: '2026-02-02T00:00:00.000Z',
          details: { printer: 'p1' },
        });
        expect(printed).toMatchObject({ copyNumber: null, by: 'carol', details: { printer: 'p1' } });
        const list = await store.listCustody(item);
        expect(list.map((r) => r.kind)).toEqual(['receipt', ...copies.map(() => 'copy'), 'print']);
        expect(list.at(-1)?.at).toBe('2026-02-02T00:00:00.000Z');
      }));
  });

  describe('compromise reports (R28)', () => {
    it('moves only reported → investigating → findings-sent → closed, keeping the history', () =>
      withStore(async (store) => {
        const created = await store.createCompromise({
          id: 'compromise-1',
          items: ['report--a'],
          reportedBy: 'sec',
          originator: 'JPN',
          deadlines: { findings: '2026-02-01T00:00:00Z' },
        });
        expect(created.status).toBe('reported');
        await expect(
          store.createCompromise({ id: 'compromise-1', items: [], reportedBy: 'x', originator: 'JPN' }),
        ).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(
          store.advanceCompromise('compromise-1', { to: 'closed', by: 'sec' }),
        ).rejects.toMatchObject({
          code: 'CONFLICT',
        });
        await store.advanceCompromise('compromise-1', { to: 'investigating', by: 'sec', note: 'opened' });
        await expect(
          store.advanceCompromise('compromise-1', { to: 'findings-sent', by: 'sec' }),
        ).rejects.toMatchObject({ code: 'CONFLICT', path: '/findings' });
        await store.advanceCompromise('compromise-1', {
          to: 'findings-sent',
          by: 'sec',
          findings: 'a laptop was lost',
          measures: 'keys revoked',
        });
        await expect(
          store.advanceCompromise('compromise-1', { to: 'investigating', by: 'sec' }),
        ).rejects.toMatchObject({ code: 'CONFLICT' });
        const closed = await store.advanceCompromise('compromise-1', { to: 'closed', by: 'sec' });
        expect(closed).toMatchObject({
          status: 'closed',
          findings: 'a laptop was lost',
          measures: 'keys revoked',
          deadlines: { findings: '2026-02-01T00:00:00Z' },
        });
        expect(closed.history.map((h) => h.status)).toEqual([
          'reported',
          'investigating',
          'findings-sent',
          'closed',
        ]);
        expect(closed.history[1]?.note).toBe('opened');
        await expect(
          store.advanceCompromise('compromise-1', { to: 'closed', by: 'sec' }),
        ).rejects.toMatchObject({
          code: 'CONFLICT',
        });
        expect((await store.listCompromises({ status: 'closed' })).map((c) => c.id)).toEqual([
          'compromise-1',
        ]);
        expect(await store.listCompromises({ originator: 'KOR' })).toEqual([]);
        await expect(store.advanceCompromise('nope', { to: 'investigating', by: 'x' })).rejects.toMatchObject(
          {
            code: 'NOT_FOUND',
          },
        );
      }));
  });
}
