import { describe, expect, it } from 'vitest';
import { HIGH, LOW, report, stamp, uuid, type WithStore } from './fixtures.js';

/** The search index and both searches over it. */
export function searchTests(withStore: WithStore): void {
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

    it('finds a Japanese word inside a run of text without spaces', () =>
      withStore(async (store) => {
        const a = report({ name: '竹島に関する報告書' });
        const b = report({ name: '東京と京都の天気' });
        await store.putObjects([a, b]);
        const found = async (text: string) => (await store.search({ text })).map((h) => h.id);
        expect(await found('竹島')).toEqual([a.object.id]);
        expect(await found('関する')).toEqual([a.object.id]);
        expect(await found('竹島に関する報告書')).toEqual([a.object.id]);
        // The bigrams of a word must stand next to each other: 東京 and 京都 are both in b, 東京都 is not.
        expect(await found('東京都')).toEqual([]);
        expect(await found('東京 京都')).toEqual([b.object.id]);
      }));

    it('finds a Korean word with its particle attached', () =>
      withStore(async (store) => {
        const a = report({ name: '독도에서 해상 훈련을 실시했다' });
        await store.putObjects([a]);
        for (const text of ['독도', '독도에서', '훈련', '해상 훈련']) {
          expect((await store.search({ text })).map((h) => h.id)).toEqual([a.object.id]);
        }
        expect(await store.search({ text: '독서' })).toEqual([]);
      }));

    it('finds a katakana word inside a compound, also when typed in half-width kana', () =>
      withStore(async (store) => {
        const a = report({ name: '北朝鮮が弾道ミサイル発射' });
        await store.putObjects([a, report({ name: 'ミサの案内' })]);
        expect((await store.search({ text: 'ミサイル' })).map((h) => h.id)).toEqual([a.object.id]);
        expect((await store.search({ text: 'ﾐｻｲﾙ' })).map((h) => h.id)).toEqual([a.object.id]);
        expect((await store.search({ text: '弾道 北朝鮮' })).map((h) => h.id)).toEqual([a.object.id]);
      }));

    it('finds a single CJK character wherever it stands in a run', () =>
      withStore(async (store) => {
        const a = report({ name: '竹島に関する' });
        const b = report({ name: '松竹' });
        await store.putObjects([a, b, report({ name: '独島' })]);
        const hits = (await store.search({ text: '竹' })).map((h) => h.id);
        expect(hits.sort()).toEqual([a.object.id, b.object.id].sort());
      }));

    it('finds Latin words as before, also in text mixed with CJK', () =>
      withStore(async (store) => {
        const a = report({ name: 'Missile launch from Sinpo' });
        const b = report({ name: 'DPRKが2024年にmissile発射' });
        await store.putObjects([a, b]);
        const found = async (text: string) => (await store.search({ text })).map((h) => h.id).sort();
        expect(await found('MISSILE')).toEqual([a.object.id, b.object.id].sort());
        expect(await found('missiles')).toEqual([]);
        expect(await found('sinpo launch')).toEqual([a.object.id]);
        expect(await found('dprk 2024年')).toEqual([b.object.id]);
      }));

    it("never finds CJK words under a marking the reader's scan does not name", () =>
      withStore(async (store) => {
        const a = report({ name: '公開の報告', portion: '竹島周辺の潜水艦' });
        await store.putObjects([a]);
        const scan = async (markings: string[]) =>
          (await store.scanSearch({ text: '潜水艦', markings, floors: [LOW], limit: 10 })).rows;
        expect(await scan([LOW])).toEqual([]);
        expect((await scan([LOW, HIGH])).map((r) => [r.id, r.markingId])).toEqual([[a.object.id, HIGH]]);
        expect((await store.search({ text: '潜水艦' })).map((h) => h.markingId)).toEqual([HIGH]);
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
        expect(await store.scanSearch({ text: 'scanword', markings: [], floors: [LOW], limit: 9 })).toEqual({
          rows: [],
          next: null,
        });
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
}
