import { expect, it } from 'vitest';
import type { FeedRecord } from '../store.js';
import type { WithStore } from './fixtures.js';

const feed = (id: string, source: string): FeedRecord => ({
  id,
  source,
  sourceKind: 'url',
  title: '',
  everySeconds: 900,
  lang: 'ko',
  topics: ['DPRK-MISSILE'],
  etag: null,
  lastModified: null,
  status: 'new',
  problem: null,
  failures: 0,
  polledAt: null,
  nextPollAt: '2026-12-07T00:00:00.000Z',
  createdAt: '2026-12-07T00:00:00.000Z',
});

/** News feeds and the keys their items are known by (contracts §11). */
export function feedTests(withStore: WithStore): void {
  it('keeps feeds, refuses a second one at the same address, and records how each poll went', () =>
    withStore(async (store) => {
      await store.addFeed(feed('f1', 'https://news.example/rss'));
      await store.addFeed(feed('f2', 'https://tokyo.example/atom'));
      await expect(store.addFeed(feed('f3', 'https://news.example/rss'))).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await store.updateFeed('f1', {
        status: 'failing',
        problem: { kind: 'timeout', message: 'no answer' },
        failures: 2,
        etag: '"v1"',
      });
      expect(await store.getFeed('f1')).toMatchObject({
        status: 'failing',
        problem: { kind: 'timeout', message: 'no answer' },
        failures: 2,
        etag: '"v1"',
        topics: ['DPRK-MISSILE'],
      });
      expect((await store.listFeeds()).map((f) => f.id)).toEqual(['f1', 'f2']);
      await expect(store.updateFeed('nope', { failures: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.getFeed('nope')).toBeNull();
    }));

  it('finds an item by any of its keys, and moves a key to a newer version without changing its report', () =>
    withStore(async (store) => {
      await store.putFeedKeys([
        { key: 'guid:a', reportId: 'report--1', hash: 'h1', feedId: 'f1' },
        { key: 'link:news.example/a', reportId: 'report--1', hash: 'h1', feedId: 'f1' },
      ]);
      await store.putFeedKeys([{ key: 'guid:a', reportId: 'report--2', hash: 'h2', feedId: 'f2' }]);
      const found = await store.findFeedKeys(['guid:a', 'link:news.example/a', 'text:none']);
      expect(found.map((k) => [k.key, k.reportId, k.hash]).sort()).toEqual([
        ['guid:a', 'report--1', 'h2'],
        ['link:news.example/a', 'report--1', 'h1'],
      ]);
    }));
}
