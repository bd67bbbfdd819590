import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type { AuditEntryInput } from '../../audit/index.js';
import { EntityFinder, type GazetteerEntry, loadGazetteer } from '../../entities/index.js';
import { ReltoError } from '../../errors/index.js';
import {
  contentHash,
  decodeFeed,
  entityObject,
  entityObjectId,
  type FeedItem,
  FeedProblem,
  fetchFeedUrl,
  itemKeys,
  newsReport,
  type ReadFeed,
  readFeed,
  readFeedFile,
  reportIdFor,
  sourceIdentity,
} from '../../feeds/index.js';
import type { Label } from '../../label/index.js';
import { labelToMarking } from '../../stix/index.js';
import type { FeedKey, FeedRecord, StixObject } from '../../store/index.js';
import { type NodeContext, nowIso } from '../context.js';
import { checkLabel, learnMarkings, markingInput, storeAdmission } from '../ingest/index.js';
import { type KnownMarking, knownMarking } from '../labels.js';

let finder: EntityFinder | undefined;

/** The gazetteer's finder, built once per process (the automaton over every name). */
export function entityFinder(): EntityFinder {
  finder ??= new EntityFinder(loadGazetteer());
  return finder;
}

/** How a feed is polled when nobody says: every 15 minutes. */
export const DEFAULT_EVERY_SECONDS = 15 * 60;
/** The longest a failing feed waits before it is tried again. */
const MAX_BACKOFF_SECONDS = 24 * 60 * 60;

/** What one poll did: items taken in as new reports, as new versions, and seen again unchanged. */
export interface FeedPollResult {
  feed: string;
  status: 'ok' | 'not-modified' | 'failing';
  taken: number;
  updated: number;
  unchanged: number;
  problem?: { kind: string; message: string };
}

export interface NewFeed {
  url?: string;
  file?: string;
  everySeconds?: number;
  lang?: string;
  topics?: string[];
}

/** A feed to poll: an http(s) URL (any host, loopback included) or a file. */
export async function addFeed(ctx: NodeContext, input: NewFeed): Promise<FeedRecord> {
  if ((input.url === undefined) === (input.file === undefined)) {
    throw new ReltoError('MALFORMED_REQUEST', 'name the feed by one of url or file');
  }
  if (input.url !== undefined) {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new ReltoError('MALFORMED_REQUEST', `not a URL: ${input.url}`, '/url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ReltoError('MALFORMED_REQUEST', 'a feed URL is http or https', '/url');
    }
  }
  if (input.file !== undefined && !isAbsolute(input.file)) {
    throw new ReltoError('MALFORMED_REQUEST', 'a feed file is named by its absolute path', '/file');
  }
  const every = input.everySeconds ?? DEFAULT_EVERY_SECONDS;
  if (!Number.isSafeInteger(every) || every < 60) {
    throw new ReltoError('MALFORMED_REQUEST', 'a feed is polled at most once a minute', '/every');
  }
  const topics = [...new Set(input.topics ?? [])];
  osintLabel(ctx, topics); // refuses topics a label cannot carry, before anything is kept
  const at = nowIso(ctx);
  const feed: FeedRecord = {
    id: `feed--${randomUUID()}`,
    source: input.url ?? input.file!,
    sourceKind: input.url !== undefined ? 'url' : 'file',
    title: '',
    everySeconds: every,
    lang: input.lang ?? null,
    topics,
    etag: null,
    lastModified: null,
    status: 'new',
    problem: null,
    failures: 0,
    polledAt: null,
    nextPollAt: at,
    createdAt: at,
  };
  await ctx.store.addFeed(feed);
  return feed;
}

/** The node's unclassified open-source label (R33): topic OSINT plus the feed's topics. */
function osintLabel(ctx: NodeContext, topics: readonly string[]): Label {
  const party = ctx.registry.parties.get(ctx.party)!;
  const label: Label = {
    originator: ctx.party,
    classification: party.unclassified.id,
    topics: [...new Set(['OSINT', ...topics])].sort(),
  };
  checkLabel(ctx.registry, label);
  return label;
}

function later(at: string, seconds: number): string {
  return new Date(Date.parse(at) + seconds * 1000).toISOString();
}

/** A version stamp after `previous` (STIX: a new version's `modified` is later than the last one's). */
function after(previous: string | undefined, at: string): string {
  if (!previous || Date.parse(previous) < Date.parse(at)) return at;
  return new Date(Date.parse(previous) + 1).toISOString();
}

/**
 * Polls one feed now: fetched (conditionally) or read, then every item taken in through the admission path
 * in one transaction with its keys. A feed that fails gets its problem as its status and a growing wait
 * before the next try; nothing of it is stored, and no other feed is touched.
 */
export async function pollFeed(
  ctx: NodeContext,
  feedId: string,
  options: { timeoutMs?: number } = {},
): Promise<FeedPollResult> {
  const feed = await ctx.store.getFeed(feedId);
  if (!feed) throw new ReltoError('NOT_FOUND', `no feed ${feedId}`);
  const at = nowIso(ctx);
  try {
    let bytes: Buffer;
    let contentType: string | undefined;
    let validators: { etag?: string; lastModified?: string } = {};
    if (feed.sourceKind === 'url') {
      const got = await fetchFeedUrl(
        feed.source,
        {
          ...(feed.etag ? { etag: feed.etag } : {}),
          ...(feed.lastModified ? { lastModified: feed.lastModified } : {}),
        },
        options.timeoutMs,
      );
      if (got.notModified) {
        await ctx.store.updateFeed(feed.id, {
          status: 'ok',
          problem: null,
          failures: 0,
          polledAt: at,
          nextPollAt: later(at, feed.everySeconds),
        });
        return { feed: feed.id, status: 'not-modified', taken: 0, updated: 0, unchanged: 0 };
      }
      ({ bytes, validators } = got);
      contentType = got.contentType;
    } else {
      bytes = await readFeedFile(feed.source);
    }
    const read = readFeed(decodeFeed(bytes, contentType));
    const counts = await admitItems(ctx, feed, read, at);
    await ctx.store.updateFeed(feed.id, {
      title: read.title,
      etag: validators.etag ?? null,
      lastModified: validators.lastModified ?? null,
      status: 'ok',
      problem: null,
      failures: 0,
      polledAt: at,
      nextPollAt: later(at, feed.everySeconds),
    });
    return { feed: feed.id, status: 'ok', ...counts };
  } catch (e) {
    if (!(e instanceof FeedProblem)) throw e;
    const failures = feed.failures + 1;
    const wait = Math.min(feed.everySeconds * 2 ** Math.min(failures, 10), MAX_BACKOFF_SECONDS);
    const problem = { kind: e.kind, message: e.message };
    await ctx.store.updateFeed(feed.id, {
      status: 'failing',
      problem,
      failures,
      polledAt: at,
      nextPollAt: later(at, wait),
    });
    return { feed: feed.id, status: 'failing', taken: 0, updated: 0, unchanged: 0, problem };
  }
}

/** What to do with one item: nothing (seen), a new report, or a new version of a held one. */
interface Planned {
  item: FeedItem;
  keys: string[];
  hash: string;
  reportId: string;
  held: boolean;
}

async function admitItems(
  ctx: NodeContext,
  feed: FeedRecord,
  read: ReadFeed,
  at: string,
): Promise<{ taken: number; updated: number; unchanged: number }> {
  const label = osintLabel(ctx, feed.topics);
  const marking = labelToMarking(label) as unknown as StixObject;
  const known: KnownMarking = knownMarking(marking, 'relto-label');
  // Oldest first, so the newest story is the last taken in (lists of news, newest first, show it on top):
  // by date where items carry one, else the reverse of the feed's order (feeds list the newest first).
  const items = read.items
    .filter((i) => i.title !== '' || i.text !== '')
    .map((item, order) => ({ item, order }))
    .sort((a, b) => {
      const ta = a.item.published ? Date.parse(a.item.published) : Number.NaN;
      const tb = b.item.published ? Date.parse(b.item.published) : Number.NaN;
      return ta < tb ? -1 : ta > tb ? 1 : b.order - a.order;
    })
    .map((x) => x.item);
  const keysOf = items.map((i) => itemKeys(feed.id, i));
  const held = new Map((await ctx.store.findFeedKeys(keysOf.flat())).map((k) => [k.key, k]));
  const planned: Planned[] = [];
  let unchanged = 0;
  // Within one poll too: a story listed twice is one report.
  const thisPoll = new Map<string, Planned>();
  items.forEach((item, n) => {
    const keys = keysOf[n]!;
    const hash = contentHash(item);
    const seen = keys.map((k) => held.get(k) ?? thisPoll.get(k)).find((k) => k !== undefined);
    if (seen && ('hash' in seen ? seen.hash : '') === hash) {
      unchanged += 1;
      return;
    }
    const p: Planned = {
      item,
      keys,
      hash,
      reportId: seen ? seen.reportId : reportIdFor(keys),
      held: seen !== undefined && !('item' in seen),
    };
    planned.push(p);
    for (const k of keys) thisPoll.set(k, p);
  });
  if (planned.length === 0) return { taken: 0, updated: 0, unchanged };

  const source = sourceIdentity({ url: feed.source, title: read.title }, ctx.identityId, known.id);
  const reports: StixObject[] = [];
  const entities = new Map<string, GazetteerEntry>();
  // The latest versions of the reports that change, in one read.
  const heldIds = planned.filter((p) => p.held).map((p) => p.reportId);
  const priors = new Map<string, StixObject>();
  if (heldIds.length > 0) {
    const page = await ctx.store.fetchObjects({ ids: heldIds }, { limit: heldIds.length });
    for (const row of page.rows) if (row.object) priors.set(row.id, row.object);
  }
  for (const p of planned) {
    const mentioned = new Map<string, GazetteerEntry>();
    for (const m of entityFinder().find(`${p.item.title}\n${p.item.text}`))
      mentioned.set(m.entry.id, m.entry);
    for (const e of mentioned.values()) entities.set(e.id, e);
    const prior = p.held ? priors.get(p.reportId) : undefined;
    // A story's first version dates from its publication (never from the future): readers sort news by it.
    const published = p.item.published && p.item.published < at ? p.item.published : at;
    const created = typeof prior?.created === 'string' ? prior.created : published;
    const previous = typeof prior?.modified === 'string' ? prior.modified : undefined;
    reports.push(
      newsReport({
        id: p.reportId,
        item: p.item,
        feed: { title: read.title, url: feed.source },
        source,
        mentions: [...mentioned.values()].map(entityObjectId),
        createdBy: ctx.identityId,
        label: known.id,
        created,
        modified: previous === undefined ? created : after(previous, at),
      }),
    );
  }
  const mentionedObjects = [...entities.values()].map((e) => entityObject(e, ctx.identityId, known.id));
  // Nothing unvalidated is stored: a report the feed's item cannot make is the feed's problem.
  for (const o of [marking, source, ...mentionedObjects, ...reports]) {
    const issues = ctx.validator.validateObject(o, '');
    if (issues.length > 0) {
      throw new FeedProblem(
        'malformed',
        `an item cannot be taken in: ${issues[0]!.pointer} ${issues[0]!.message}`,
      );
    }
  }
  const keys: FeedKey[] = planned.flatMap((p) =>
    p.keys.map((key) => ({ key, reportId: p.reportId, hash: p.hash, feedId: feed.id })),
  );
  await ctx.audit.appendWithin(async (tx) => {
    await storeAdmission(tx, ctx.registry, {
      markings: [markingInput(known)],
      objects: [source, ...mentionedObjects, ...reports].map((object) => ({
        object,
        floor: known.id,
        label,
      })),
      isReltoLabel: (id) => id === known.id,
    });
    await tx.putFeedKeys(keys);
    const entry: AuditEntryInput = {
      kind: 'node',
      at,
      actor: `node:${ctx.party}`,
      action: 'feed-intake',
      subjects: reports.map((r) => r.id),
      details: { feed: feed.id, source: feed.source, items: read.items.length },
    };
    return { result: undefined, entries: [entry] };
  });
  learnMarkings(ctx, [known]);
  const updated = planned.filter((p) => p.held).length;
  return { taken: planned.length - updated, updated, unchanged };
}
