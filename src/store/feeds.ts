import type { Selectable } from 'kysely';
import { ReltoError } from '../errors/index.js';
import type { Scope } from './context.js';
import type { FeedTable } from './database.js';
import { chunkFor, chunks, json, parse } from './rows.js';
import type { FeedKey, FeedPatch, FeedRecord } from './store.js';

/** News feeds (contracts §11) and the keys their items are known by. */

function toFeed(row: Selectable<FeedTable>): FeedRecord {
  return {
    id: row.id,
    source: row.source,
    sourceKind: row.source_kind as FeedRecord['sourceKind'],
    title: row.title,
    everySeconds: Number(row.every_seconds),
    lang: row.lang,
    topics: parse<string[]>(row.topics),
    etag: row.etag,
    lastModified: row.last_modified,
    status: row.status as FeedRecord['status'],
    problem: row.problem === null ? null : parse<{ kind: string; message: string }>(row.problem),
    failures: Number(row.failures),
    polledAt: row.polled_at,
    nextPollAt: row.next_poll_at,
    createdAt: row.created_at,
  };
}

export async function addFeed(scope: Scope, feed: FeedRecord): Promise<void> {
  await scope.atomic(async (s) => {
    const held = await s.db
      .selectFrom('feeds')
      .select('id')
      .where('source', '=', feed.source)
      .executeTakeFirst();
    if (held) throw new ReltoError('CONFLICT', `the feed ${feed.source} is taken in already, as ${held.id}`);
    await s.db
      .insertInto('feeds')
      .values({
        id: feed.id,
        source: feed.source,
        source_kind: feed.sourceKind,
        title: feed.title,
        every_seconds: feed.everySeconds,
        lang: feed.lang,
        topics: json(feed.topics),
        etag: feed.etag,
        last_modified: feed.lastModified,
        status: feed.status,
        problem: feed.problem === null ? null : json(feed.problem),
        failures: feed.failures,
        polled_at: feed.polledAt,
        next_poll_at: feed.nextPollAt,
        created_at: feed.createdAt,
      })
      .execute();
  });
}

export async function getFeed(scope: Scope, id: string): Promise<FeedRecord | null> {
  const row = await scope.db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toFeed(row) : null;
}

export async function listFeeds(scope: Scope): Promise<FeedRecord[]> {
  const rows = await scope.db.selectFrom('feeds').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toFeed);
}

export async function updateFeed(scope: Scope, id: string, patch: FeedPatch): Promise<void> {
  const set: Partial<FeedTable> = {};
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.everySeconds !== undefined) set.every_seconds = patch.everySeconds;
  if (patch.lang !== undefined) set.lang = patch.lang;
  if (patch.topics !== undefined) set.topics = json(patch.topics);
  if (patch.etag !== undefined) set.etag = patch.etag;
  if (patch.lastModified !== undefined) set.last_modified = patch.lastModified;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.problem !== undefined) set.problem = patch.problem === null ? null : json(patch.problem);
  if (patch.failures !== undefined) set.failures = patch.failures;
  if (patch.polledAt !== undefined) set.polled_at = patch.polledAt;
  if (patch.nextPollAt !== undefined) set.next_poll_at = patch.nextPollAt;
  if (Object.keys(set).length === 0) return;
  const done = await scope.db.updateTable('feeds').set(set).where('id', '=', id).executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) throw new ReltoError('NOT_FOUND', `no feed ${id}`);
}

export async function findFeedKeys(scope: Scope, keys: string[]): Promise<FeedKey[]> {
  const out: FeedKey[] = [];
  for (const part of chunks([...new Set(keys)], chunkFor(1))) {
    const rows = await scope.db.selectFrom('feed_keys').selectAll().where('key', 'in', part).execute();
    for (const r of rows) out.push({ key: r.key, reportId: r.report_id, hash: r.hash, feedId: r.feed_id });
  }
  return out;
}

export async function putFeedKeys(scope: Scope, keys: FeedKey[]): Promise<void> {
  if (keys.length === 0) return;
  const byKey = new Map(keys.map((k) => [k.key, k]));
  await scope.atomic(async (s) => {
    for (const part of chunks([...byKey.values()], chunkFor(4))) {
      await s.db
        .insertInto('feed_keys')
        .values(part.map((k) => ({ key: k.key, report_id: k.reportId, hash: k.hash, feed_id: k.feedId })))
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ hash: eb.ref('excluded.hash') })))
        .execute();
    }
  });
}
