import { describe, expect, it } from 'vitest';
import { newDataKey } from '../../keys/index.js';
import type { StoredObject } from '../store.js';
import { HIGH, HIGHER, ids, LOW, report, stamp, uuid, type WithStore } from './fixtures.js';

/** A marking-definition as the store keeps it (its content is the caller's). */
const def = (id: string, extra: object = {}) => ({
  type: 'marking-definition',
  spec_version: '2.1',
  id,
  created: '2026-01-01T00:00:00.000Z',
  ...extra,
});

/** Marking-definitions and STIX objects: encryption, versions, paging, transactions. */
export function objectTests(withStore: WithStore): void {
  it('keeps marking-definitions in clear, replacing by id, found by kind and alternative', () =>
    withStore(async (store) => {
      await store.putMarkingDefinitions([
        { definition: def(LOW), kind: 'relto-label' },
        { definition: def(HIGH), kind: 'relto-label' },
        { definition: def(HIGHER), kind: 'alternative', alternativeOf: HIGH },
      ]);
      await store.putMarkingDefinitions([{ definition: def(LOW, { name: 'renamed' }), kind: 'relto-label' }]);
      const [low] = await store.getMarkingDefinitions([LOW]);
      expect(low?.definition.name).toBe('renamed');
      expect((await store.listMarkingDefinitions({ kind: 'relto-label' })).map((d) => d.id)).toEqual([
        LOW,
        HIGH,
      ]);
      expect((await store.listMarkingDefinitions({ alternativeOf: HIGH })).map((d) => d.id)).toEqual([
        HIGHER,
      ]);
    }));

  it('reads marking-definitions as objects of the collection when asked: one date_added each, kept when stored again, in order with the objects and under the same filters', () =>
    withStore(async (store) => {
      await store.putMarkingDefinitions([{ definition: def(LOW), kind: 'relto-label' }]);
      const [first] = (await store.putObjects([report({})])).map((r) => r.dateAdded);
      await store.putMarkingDefinitions([
        { definition: def(LOW), kind: 'relto-label' },
        { definition: def(HIGH), kind: 'relto-label' },
      ]);
      const all = await store.fetchObjects({ withMarkings: true }, { limit: 10 });
      expect(all.rows.map((r) => r.id)).toEqual([LOW, all.rows[1]!.id, HIGH]);
      expect(all.rows[0]!.marking).toEqual({ kind: 'relto-label', alternativeOf: null });
      expect(all.rows[0]!.object?.id).toBe(LOW);
      expect(all.rows[0]!.dateAdded < first!).toBe(true);
      expect(all.rows[1]!.dateAdded).toBe(first);
      // items only, unless asked
      expect((await store.fetchObjects({}, { limit: 10 })).rows).toHaveLength(1);
      // a page counts them, and the cursor runs through both
      const one = await store.fetchObjects({ withMarkings: true }, { limit: 1 });
      const rest = await store.fetchObjects({ withMarkings: true }, { after: one.next, limit: 10 });
      expect([...one.rows, ...rest.rows].map((r) => r.id)).toEqual(all.rows.map((r) => r.id));
      expect(
        (await store.fetchObjects({ withMarkings: true, types: ['marking-definition'] })).rows.map(
          (r) => r.id,
        ),
      ).toEqual([LOW, HIGH]);
      expect((await store.fetchObjects({ withMarkings: true, types: ['report'] })).rows).toHaveLength(1);
      expect((await store.fetchObjects({ withMarkings: true, ids: [HIGH] })).rows.map((r) => r.id)).toEqual([
        HIGH,
      ]);
      const v = await store.fetchObjects({
        withMarkings: true,
        ids: [HIGH],
        versions: ['2026-01-01T00:00:00Z'],
      });
      expect(v.rows).toHaveLength(1);
      const none = await store.fetchObjects({
        withMarkings: true,
        ids: [HIGH],
        versions: ['2027-01-01T00:00:00Z'],
      });
      expect(none.rows).toHaveLength(0);
      const after = await store.fetchObjects({ withMarkings: true, addedAfter: first! });
      expect(after.rows.map((r) => r.id)).toEqual([HIGH]);
    }));

  describe('objects', () => {
    it('gives back exactly the object posted, markings included', () =>
      withStore(async (store) => {
        const input = report({ portion: 'the secret paragraph' });
        const [result] = await store.putObjects([input]);
        expect(result?.status).toBe('added');
        const got = await store.getObject(input.object.id);
        expect(got?.object).toEqual(input.object);
        expect(got).toMatchObject({
          floor: LOW,
          markingRefs: [LOW],
          granularMarkings: input.object.granular_markings,
          originator: 'KOR',
          levelRank: 1,
          tier: 'C',
          topics: ['DPRK-MISSILE'],
          latest: true,
        });
      }));

    it('cannot read content under another node key: it is encrypted with wrapped data keys', () =>
      withStore(async (store, harness) => {
        const input = report({});
        await store.putObjects([input]);
        await store.close();
        const other = await harness.open({ nodeKey: newDataKey() });
        try {
          const clear = await other.fetchObjects({ withContent: false });
          expect(clear.rows[0]?.floor).toBe(LOW); // decisions need no key
          await expect(other.getObject(input.object.id)).rejects.toThrow(/integrity/);
        } finally {
          await other.close();
        }
      }));

    it('refuses an object whose floor label is not among its object_marking_refs', () =>
      withStore(async (store) => {
        const input = report({});
        await expect(store.putObjects([{ ...input, floor: HIGH }])).rejects.toMatchObject({
          code: 'MALFORMED_REQUEST',
        });
        expect(await store.getItem(input.object.id)).toBeNull();
      }));

    it('keeps versions by modified; the latest is served by default; a repeat is a duplicate', () =>
      withStore(async (store) => {
        const id = `report--${uuid()}`;
        await store.putObjects([report({ id, modified: stamp(2), name: 'second' })]);
        const results = await store.putObjects([
          report({ id, modified: stamp(1), name: 'first' }),
          report({ id, modified: stamp(3), name: 'third' }),
          report({ id, modified: stamp(3), name: 'third again' }),
        ]);
        expect(results.map((r) => r.status)).toEqual(['added', 'added', 'duplicate']);
        expect((await store.getObject(id))?.object?.name).toBe('third');
        expect((await store.getObject(id, stamp(1)))?.object?.name).toBe('first');
        const again = await store.putObjects([report({ id, modified: stamp(2) })]);
        expect(again[0]?.status).toBe('duplicate');
        const all = await store.fetchObjects({ ids: [id], versions: ['all'] });
        expect(all.rows.map((r) => r.object?.name)).toEqual(['second', 'first', 'third']);
        expect(all.rows.filter((r) => r.latest).map((r) => r.modified)).toEqual([stamp(3)]);
        const first = await store.fetchObjects({ ids: [id], versions: ['first'] });
        expect(first.rows.map((r) => r.modified)).toEqual([stamp(1)]);
        const specific = await store.fetchObjects({ ids: [id], versions: [stamp(2), 'last'] });
        expect(specific.rows.map((r) => r.modified).sort()).toEqual([stamp(2), stamp(3)]);
      }));

    it('lets concurrent posts of the same new object end as one added and one duplicate, never an error', () =>
      withStore(async (store) => {
        const input = report({});
        const results = await Promise.all([store.putObjects([input]), store.putObjects([input])]);
        expect(results.map((r) => r[0]?.status).sort()).toEqual(['added', 'duplicate']);
        expect((await store.fetchObjects({ versions: ['all'] })).rows.length).toBe(1);
      }));

    it('keeps one version of an object without modified or created', () =>
      withStore(async (store) => {
        const sco = {
          type: 'ipv4-addr',
          spec_version: '2.1',
          id: `ipv4-addr--${uuid()}`,
          value: '10.0.0.1',
        };
        const [a] = await store.putObjects([{ object: sco, floor: null }]);
        const [b] = await store.putObjects([{ object: { ...sco, value: '10.0.0.2' }, floor: null }]);
        expect(a?.status).toBe('added');
        expect(b).toMatchObject({ status: 'duplicate', version: a?.version, dateAdded: a?.dateAdded });
        expect((await store.getObject(sco.id))?.object).toEqual(sco);
      }));

    it('gives date_added strictly increasing values even when the clock stands still or goes back', () => {
      let now = Date.parse('2026-03-01T00:00:00Z');
      return withStore(
        async (store) => {
          const added: string[] = [];
          for (let i = 0; i < 3; i++) {
            const results = await store.putObjects([report({}), report({})]);
            added.push(...results.map((r) => r.dateAdded!));
            now -= 1000;
          }
          expect(added.length).toBe(6);
          for (let i = 1; i < added.length; i++) expect(added[i]! > added[i - 1]!).toBe(true);
          expect(added[0]).toBe('2026-03-01T00:00:00.000000Z');
        },
        { now: () => now },
      );
    });

    it('filters by type, id, added_after and spec_version', () =>
      withStore(async (store) => {
        const a = report({});
        const loc = {
          object: {
            type: 'location',
            spec_version: '2.1',
            id: `location--${uuid()}`,
            created: stamp(0),
            modified: stamp(0),
            latitude: 39,
            longitude: 125.7,
            object_marking_refs: [LOW],
          },
          floor: LOW,
        };
        const [ra] = await store.putObjects([a]);
        await store.putObjects([loc]);
        expect(ids((await store.fetchObjects({ types: ['location'] })).rows)).toEqual([loc.object.id]);
        expect(ids((await store.fetchObjects({ ids: [a.object.id] })).rows)).toEqual([a.object.id]);
        expect(ids((await store.fetchObjects({ addedAfter: ra!.dateAdded! })).rows)).toEqual([loc.object.id]);
        expect((await store.fetchObjects({ specVersions: ['2.0'] })).rows).toEqual([]);
        expect((await store.fetchObjects({ types: [] })).rows).toEqual([]);
        const bare = await store.fetchObjects({ withContent: false });
        expect(bare.rows.length).toBe(2);
        expect(bare.rows.every((r) => r.object === undefined)).toBe(true);
      }));

    it('pages by cursor without skips or duplicates while items are added during paging', () =>
      withStore(async (store) => {
        const first = Array.from({ length: 7 }, () => report({}));
        await store.putObjects(first);
        const seen: string[] = [];
        let page = await store.fetchObjects({}, { limit: 3 });
        seen.push(...ids(page.rows));
        const later = Array.from({ length: 4 }, () => report({}));
        await store.putObjects(later.slice(0, 2));
        while (page.next) {
          page = await store.fetchObjects({}, { after: page.next, limit: 3 });
          seen.push(...ids(page.rows));
          if (seen.length === 6) await store.putObjects(later.slice(2));
        }
        expect(seen).toEqual([...first, ...later].map((o) => o.object.id));
        await expect(store.fetchObjects({}, { after: 'not-a-cursor' })).rejects.toMatchObject({
          code: 'MALFORMED_REQUEST',
        });
      }));

    it('pages newest first when asked, each cursor continuing with older rows, under the same filters', () =>
      withStore(async (store) => {
        const inputs = Array.from({ length: 7 }, () => report({}));
        await store.putObjects(inputs);
        const seen: string[] = [];
        let page = await store.fetchObjects({ newestFirst: true, types: ['report'] }, { limit: 3 });
        seen.push(...ids(page.rows));
        // Taken in after the first page: newer than where the reader is, so not on the pages that follow.
        await store.putObjects([report({})]);
        while (page.next) {
          page = await store.fetchObjects(
            { newestFirst: true, types: ['report'] },
            { after: page.next, limit: 3 },
          );
          seen.push(...ids(page.rows));
        }
        expect(seen).toEqual(inputs.map((o) => o.object.id).reverse());
      }));

    it('lets the caller keep fetching until a page of readable rows is full', () =>
      withStore(async (store) => {
        const inputs = Array.from({ length: 20 }, (_, i) => report({ floor: i % 3 === 0 ? LOW : HIGH }));
        await store.putObjects(inputs);
        const readable: StoredObject[] = [];
        for await (const row of store.scanObjects({ withContent: false }, { batchSize: 4 })) {
          if (row.floor === LOW) readable.push(row); // the caller's decision, made on clear columns
          if (readable.length === 5) break;
        }
        const expected = inputs.filter((i) => i.floor === LOW).slice(0, 5);
        expect(ids(readable)).toEqual(expected.map((i) => i.object.id));
      }));

    it('decrypts only the rows the caller kept, in order, leaving out what was destroyed meanwhile', () =>
      withStore(async (store) => {
        const inputs = Array.from({ length: 5 }, () => report({}));
        await store.putObjects(inputs);
        const bare = (await store.fetchObjects({ withContent: false })).rows;
        const kept = [bare[3]!, bare[1]!, bare[4]!];
        await store.destroyObject(bare[4]!.id);
        const full = await store.withContent(kept);
        expect(full.map((r) => r.object)).toEqual([inputs[3]!.object, inputs[1]!.object]);
      }));

    it('stores a whole post in one transaction: a failure stores nothing (all or nothing)', () =>
      withStore(async (store) => {
        const a = report({});
        await expect(
          store.transaction(async (tx) => {
            await tx.putObjects([a]);
            await tx.appendAudit([{ leafHash: new Uint8Array(32), entry: '{"post":1}' }]);
            expect((await tx.getObject(a.object.id))?.id).toBe(a.object.id);
            throw new Error('validation failed half-way');
          }),
        ).rejects.toThrow('half-way');
        expect(await store.getItem(a.object.id)).toBeNull();
        expect((await store.fetchObjects({})).rows).toEqual([]);
        expect(await store.auditSize()).toBe(0);
        expect(await store.search({ text: 'launch' })).toEqual([]);
        const [ok] = await store.transaction((tx) => tx.putObjects([a]));
        expect(ok?.status).toBe('added');
      }));
  });
}
