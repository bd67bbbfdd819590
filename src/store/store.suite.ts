import { describe, expect, it } from 'vitest';
import { newDataKey } from '../keys/index.js';
import type { ObjectInput, StixObject, Store, StoredObject } from './store.js';

/** One fresh database; `open` may be called again on the same database (reopen, other key, other clock). */
export interface StoreHarness {
  open(options?: { nodeKey?: Uint8Array; now?: () => number }): Promise<Store>;
  cleanup(): Promise<void>;
}

const LOW = 'marking-definition--00000000-0000-4000-8000-000000000001';
const HIGH = 'marking-definition--00000000-0000-4000-8000-000000000002';
const HIGHER = 'marking-definition--00000000-0000-4000-8000-000000000003';
const PORTIONS = 'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b';

let counter = 0;
function uuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

function stamp(day: number): string {
  return new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString();
}

/** A labelled report: floor LOW, with an optional portion raised to HIGH (contracts §6). */
function report(opts: {
  id?: string;
  modified?: string;
  name?: string;
  portion?: string;
  floor?: string;
}): ObjectInput {
  const id = opts.id ?? `report--${uuid()}`;
  const floor = opts.floor ?? LOW;
  const modified = opts.modified ?? stamp(0);
  const object: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id,
    created: stamp(0),
    modified,
    name: opts.name ?? 'launch report',
    published: stamp(0),
    object_refs: ['location--11111111-1111-4111-8111-111111111111'],
    object_marking_refs: [floor],
  };
  const index = [{ markingId: floor, text: object.name as string }];
  if (opts.portion) {
    object.extensions = {
      [PORTIONS]: { extension_type: 'property-extension', portions: [{ text: opts.portion }] },
    };
    object.granular_markings = [{ marking_ref: HIGH, selectors: [`extensions.${PORTIONS}.portions.[0]`] }];
    index.push({ markingId: HIGH, text: opts.portion });
  }
  return { object, floor, originator: 'KOR', levelRank: 1, tier: 'C', topics: ['DPRK-MISSILE'], index };
}

function ids(rows: StoredObject[]): string[] {
  return rows.map((r) => r.id);
}

/** The storage behaviour both databases must show (issue 3, items 1, 3, 6, 7, 8, 9). */
export function storeSuite(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${name} store`, () => {
    async function withStore(
      fn: (store: Store, harness: StoreHarness) => Promise<void>,
      options?: { now?: () => number; nodeKey?: Uint8Array },
    ) {
      const harness = await makeHarness();
      const store = await harness.open(options);
      try {
        await fn(store, harness);
      } finally {
        await store.close().catch(() => {});
        await harness.cleanup();
      }
    }

    it('runs migrations once: reopening an existing store keeps its data', () =>
      withStore(async (store, harness) => {
        await store.setMeta('party', 'KOR');
        await store.close();
        const again = await harness.open();
        try {
          expect(await again.getMeta('party')).toBe('KOR');
        } finally {
          await again.close();
        }
      }));

    it('keeps node meta as key/value, overwriting on set', () =>
      withStore(async (store) => {
        expect(await store.getMeta('party')).toBeNull();
        await store.setMeta('party', 'KOR');
        await store.setMeta('party', 'JPN');
        expect(await store.getMeta('party')).toBe('JPN');
      }));

    describe('people', () => {
      const alice = {
        name: 'alice',
        party: 'KOR',
        clearance: 'II',
        roles: ['analyst'],
        designations: [],
        restrictive: { Compartment: ['BMD'] },
        contractor: false,
        official: true,
        passwordHash: 'scrypt$x',
      };

      it('creates a person once and refuses the same name again', () =>
        withStore(async (store) => {
          const created = await store.createUser(alice);
          expect(created).toMatchObject({ ...alice, disabled: false, version: 1 });
          await expect(store.createUser(alice)).rejects.toMatchObject({ code: 'CONFLICT' });
          expect((await store.listUsers()).map((u) => u.name)).toEqual(['alice']);
        }));

      it('bumps the version on every change so sessions can be cut at once (R36)', () =>
        withStore(async (store) => {
          await store.createUser(alice);
          const lowered = await store.updateUser('alice', { clearance: 'III', restrictive: {} });
          expect(lowered.version).toBe(2);
          expect(lowered.clearance).toBe('III');
          expect(lowered.restrictive).toEqual({});
          const disabled = await store.updateUser('alice', { disabled: true });
          expect(disabled.version).toBe(3);
          expect((await store.getUser('alice'))?.disabled).toBe(true);
          await expect(store.updateUser('nobody', { disabled: true })).rejects.toMatchObject({
            code: 'NOT_FOUND',
          });
        }));
    });

    it('finds sessions by token hash until they expire, and deletes them per person', () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      return withStore(
        async (store) => {
          await store.createSession({
            tokenHash: 'h1',
            userName: 'alice',
            kind: 'session',
            expiresAt: stamp(400),
          });
          await store.createSession({
            tokenHash: 'h2',
            userName: 'alice',
            kind: 'token',
            expiresAt: stamp(400),
          });
          await store.createSession({
            tokenHash: 'h3',
            userName: 'bob',
            kind: 'session',
            expiresAt: '2026-01-01T01:00:00.000Z',
          });
          expect((await store.getSession('h1'))?.userName).toBe('alice');
          expect(await store.getSession('h3')).not.toBeNull();
          now += 2 * 3_600_000;
          expect(await store.getSession('h3')).toBeNull();
          // an expired one can still be found on purpose, so the node can say it expired
          expect((await store.getSession('h3', { includeExpired: true }))?.expiresAt).toBe(
            '2026-01-01T01:00:00.000Z',
          );
          expect(await store.deleteExpiredSessions(new Date(now).toISOString())).toBe(1);
          expect(await store.deleteSessionsOfUser('alice')).toBe(2);
          expect(await store.getSession('h1')).toBeNull();
        },
        { now: () => now },
      );
    });

    it('keeps marking-definitions in clear, replacing by id, found by kind and alternative', () =>
      withStore(async (store) => {
        const def = (id: string, extra: object = {}) => ({
          type: 'marking-definition',
          spec_version: '2.1',
          id,
          created: '2026-01-01T00:00:00.000Z',
          ...extra,
        });
        await store.putMarkingDefinitions([
          { definition: def(LOW), kind: 'relto-label' },
          { definition: def(HIGH), kind: 'relto-label' },
          { definition: def(HIGHER), kind: 'alternative', alternativeOf: HIGH },
        ]);
        await store.putMarkingDefinitions([
          { definition: def(LOW, { name: 'renamed' }), kind: 'relto-label' },
        ]);
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
          expect(ids((await store.fetchObjects({ addedAfter: ra!.dateAdded! })).rows)).toEqual([
            loc.object.id,
          ]);
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

    describe('search', () => {
      it('indexes each marking scope on its own row, so a hit names the marking of the words matched', () =>
        withStore(async (store) => {
          const a = report({
            name: 'missile launch from sinpo',
            portion: 'submarine sinpo shipyard activity',
          });
          await store.putObjects([a]);
          const floorHits = await store.search({ text: 'missile launch' });
          expect(floorHits.map((h) => [h.id, h.markingId])).toEqual([[a.object.id, LOW]]);
          const portionHits = await store.search({ text: 'SHIPYARD' });
          expect(portionHits.map((h) => [h.id, h.markingId])).toEqual([[a.object.id, HIGH]]);
          // Words from two scopes never match as one row: a reader of LOW alone cannot learn they co-occur.
          expect(await store.search({ text: 'missile shipyard' })).toEqual([]);
          const both = await store.search({ text: 'sinpo' });
          expect(both.map((h) => h.markingId).sort()).toEqual([LOW, HIGH]);
          expect(await store.search({ text: '  ** ' })).toEqual([]);
        }));

      it('treats query text as words, never as index operators', () =>
        withStore(async (store) => {
          await store.putObjects([report({ name: 'near OR far' })]);
          expect((await store.search({ text: 'near" OR "x' })).length).toBe(0);
          expect((await store.search({ text: 'near OR' })).length).toBe(1);
        }));

      it('filters by type, originator, level, tier, topic and date', () =>
        withStore(async (store) => {
          const a = report({ name: 'alpha keyword', modified: stamp(10) });
          const b = {
            ...report({ name: 'beta keyword', modified: stamp(20) }),
            originator: 'JPN',
            levelRank: 2,
          };
          b.tier = 'S';
          b.topics = ['DPRK-NUCLEAR'];
          await store.putObjects([a, b]);
          const only = async (q: object) => (await store.search({ text: 'keyword', ...q })).map((h) => h.id);
          expect((await only({})).sort()).toEqual([a.object.id, b.object.id].sort());
          expect(await only({ types: ['indicator'] })).toEqual([]);
          expect(await only({ originators: ['JPN'] })).toEqual([b.object.id]);
          expect(await only({ levelRankMax: 1 })).toEqual([a.object.id]);
          expect(await only({ tiers: ['S'] })).toEqual([b.object.id]);
          expect(await only({ topics: ['DPRK-MISSILE'] })).toEqual([a.object.id]);
          expect(await only({ topics: ['DPRK'] })).toEqual([]);
          expect(await only({ from: stamp(15) })).toEqual([b.object.id]);
          expect(await only({ to: stamp(15) })).toEqual([a.object.id]);
        }));

      it('searches latest versions unless asked for all, and pages by offset in rank order', () =>
        withStore(async (store) => {
          const id = `report--${uuid()}`;
          await store.putObjects([report({ id, modified: stamp(1), name: 'oldword' })]);
          await store.putObjects([report({ id, modified: stamp(2), name: 'newword' })]);
          expect(await store.search({ text: 'oldword' })).toEqual([]);
          expect((await store.search({ text: 'oldword', allVersions: true })).map((h) => h.version)).toEqual([
            `${stamp(1).slice(0, -1)}000000Z`,
          ]);
          expect((await store.search({ text: 'newword' })).length).toBe(1);
          await store.putObjects(Array.from({ length: 5 }, () => report({ name: 'common term' })));
          const all = await store.search({ text: 'common' });
          const paged = [
            ...(await store.search({ text: 'common', limit: 2 })),
            ...(await store.search({ text: 'common', limit: 2, offset: 2 })),
            ...(await store.search({ text: 'common', limit: 2, offset: 4 })),
          ];
          expect(paged.map((h) => h.id)).toEqual(all.map((h) => h.id));
          expect(all.length).toBe(5);
        }));

      it('ranks only the newest window of matching rows when asked to, bounding the cost of common words', () =>
        withStore(async (store) => {
          const inputs = Array.from({ length: 6 }, (_, i) => report({ name: `frequent word ${i}` }));
          for (const input of inputs) await store.putObjects([input]);
          expect((await store.search({ text: 'frequent' })).length).toBe(6);
          const windowed = await store.search({ text: 'frequent', window: 3 });
          expect(windowed.map((h) => h.id).sort()).toEqual(
            inputs
              .slice(3)
              .map((i) => i.object.id)
              .sort(),
          );
        }));

      it("scans a reader's rows newest first, only under the markings and floors given, in batches", () =>
        withStore(async (store) => {
          const low = report({ name: 'scanword low', portion: 'scanword portion' });
          const high = report({ name: 'scanword high', floor: HIGH });
          const older = report({ name: 'scanword older', modified: stamp(3) });
          const newer = report({ name: 'scanword newer', modified: stamp(3) });
          await store.putObjects([older]);
          await store.putObjects([low, high]);
          await store.putObjects([newer]);
          const scan = async (q: { markings: string[]; floors: string[]; before?: number; limit?: number }) =>
            (await store.scanSearch({ text: 'scanword', limit: 100, ...q })).rows;
          // A LOW reader: never the HIGH portion row (its marking), never the HIGH-floored object.
          const lowRows = await scan({ markings: [LOW], floors: [LOW] });
          expect(lowRows.map((r) => [r.id, r.markingId])).toEqual([
            [newer.object.id, LOW],
            [low.object.id, LOW],
            [older.object.id, LOW],
          ]);
          expect(lowRows[1]!.floor).toBe(LOW);
          expect(lowRows[1]!.granularMarkings).toEqual(low.object.granular_markings);
          // A reader of both sees every row, newest first; `next` continues exactly where a batch stopped.
          const both = { markings: [LOW, HIGH], floors: [LOW, HIGH] };
          const all = await scan(both);
          expect(all.map((r) => r.rowId)).toEqual([...all.map((r) => r.rowId)].sort((a, b) => b - a));
          expect(new Set(all.map((r) => r.id)).size).toBe(4);
          expect(all.length).toBe(5);
          const walked: number[] = [];
          let before: number | undefined;
          for (let i = 0; i < 10; i++) {
            const batch = await store.scanSearch({
              text: 'scanword',
              limit: 2,
              ...both,
              ...(before !== undefined ? { before } : {}),
            });
            walked.push(...batch.rows.map((r) => r.rowId));
            if (batch.next === null) break;
            before = batch.next;
          }
          expect(walked).toEqual(all.map((r) => r.rowId));
          // HIGH alone: the HIGH-floored object, never the LOW object's HIGH portion (its floor is LOW).
          expect(await scan({ markings: [HIGH], floors: [HIGH] })).toEqual([
            expect.objectContaining({ id: high.object.id, markingId: HIGH }),
          ]);
          expect(await store.scanSearch({ text: 'scanword', markings: [], floors: [LOW], limit: 9 })).toEqual(
            {
              rows: [],
              next: null,
            },
          );
          const early = await store.scanSearch({
            text: 'scanword',
            markings: [LOW],
            floors: [LOW],
            limit: 10,
            to: stamp(1),
          });
          expect(early.rows.map((r) => r.id)).toEqual([low.object.id]);
        }));
    });

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
          await expect(
            store.advanceCompromise('nope', { to: 'investigating', by: 'x' }),
          ).rejects.toMatchObject({
            code: 'NOT_FOUND',
          });
        }));
    });

    describe('audit log (R29)', () => {
      const leaf = (i: number) => new Uint8Array(32).fill(i % 256);

      it('appends groups with dense indexes and reads ranges back byte for byte', () =>
        withStore(async (store) => {
          const entries = Array.from({ length: 2500 }, (_, i) => ({
            leafHash: leaf(i),
            entry: `{"n": ${i}, "é": "ü"}`,
          }));
          expect(await store.appendAudit(entries.slice(0, 1000))).toBe(0);
          expect(await store.appendAudit(entries.slice(1000))).toBe(1000);
          expect(await store.auditSize()).toBe(2500);
          const rows = await store.readAudit(998, 1003);
          expect(rows.map((r) => r.index)).toEqual([998, 999, 1000, 1001, 1002]);
          expect(rows.map((r) => r.entry)).toEqual(entries.slice(998, 1003).map((e) => e.entry));
          const leaves = await store.readAuditLeaves(0, 2500);
          expect(leaves.length).toBe(2500);
          expect(Buffer.from(leaves[300]!).equals(Buffer.from(leaf(300)))).toBe(true);
        }));

      it('never hands out an index twice when groups are appended concurrently', () =>
        withStore(async (store) => {
          const firsts = await Promise.all(
            Array.from({ length: 6 }, (_, g) =>
              store.appendAudit(
                Array.from({ length: 50 }, (_, i) => ({ leafHash: leaf(i), entry: `${g}:${i}` })),
              ),
            ),
          );
          expect([...firsts].sort((a, b) => a - b)).toEqual([0, 50, 100, 150, 200, 250]);
          const rows = await store.readAudit(0, 300);
          expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
          for (const [g, first] of firsts.entries()) expect(rows[first]?.entry).toBe(`${g}:0`);
        }));

      it('keeps signed tree heads by size and finds the latest', () =>
        withStore(async (store) => {
          expect(await store.latestTreeHead()).toBeNull();
          const head = (size: number) => ({
            size,
            rootHash: leaf(size),
            timestamp: stamp(size),
            signature: new Uint8Array(64).fill(7),
          });
          await store.putTreeHead(head(10));
          await store.putTreeHead(head(3));
          expect((await store.latestTreeHead())?.size).toBe(10);
          const three = await store.getTreeHead(3);
          expect(three?.timestamp).toBe(stamp(3));
          expect(Buffer.from(three!.rootHash).equals(Buffer.from(leaf(3)))).toBe(true);
          expect(await store.getTreeHead(4)).toBeNull();
        }));
    });
  });
}
