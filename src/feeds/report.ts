import { RELTO_NAMESPACE, sha256Hex, uuidv5 } from '../canon/index.js';
import type { StixObject } from '../store/index.js';
import type { FeedItem } from './read.js';

/** Query parameters that only track who clicked: two links differing only in them are one story. */
const TRACKING = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$/i;

/** A link as it identifies a story: scheme and host in lower case, no fragment, no tracking parameters. */
export function normaliseLink(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  for (const key of [...url.searchParams.keys()]) if (TRACKING.test(key)) url.searchParams.delete(key);
  url.searchParams.sort();
  // http and https of one page are one story.
  return `${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}${url.search}`;
}

/**
 * The keys one item is known by (same GUID, same link, or same text: one report, §11). A GUID that is not
 * globally unique by its form (no scheme, as `1234`) counts within its feed only.
 */
export function itemKeys(feedId: string, item: FeedItem): string[] {
  const keys: string[] = [];
  if (item.guid) keys.push(item.guid.includes(':') ? `guid:${item.guid}` : `guid:${feedId}:${item.guid}`);
  const link = item.link ? normaliseLink(item.link) : null;
  if (link) keys.push(`link:${link}`);
  if (item.text.length > 0 || item.title.length > 0) keys.push(`text:${contentHash(item)}`);
  return keys;
}

/** What a version of an item says: a changed hash is a new version of the same report. */
export function contentHash(item: FeedItem): string {
  return sha256Hex(`${item.title}\n${item.text}`);
}

/** The identity of a feed's source: one per feed address, so every item names where it came from. */
export function sourceIdentity(
  feed: { url: string; title: string },
  createdBy: string,
  label: string,
): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuidv5(`feed:${feed.url}`, RELTO_NAMESPACE)}`,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    created_by_ref: createdBy,
    name: feed.title || feed.url,
    identity_class: 'organization',
    sectors: ['communications'],
    object_marking_refs: [label],
  };
}

/** A report's name: the title as published; an item without a title is named by its text's first line. */
function nameOf(item: FeedItem): string {
  if (item.title) return item.title;
  const first = item.text.split('\n')[0] ?? '';
  return first.length > 120 ? `${first.slice(0, 119)}…` : first || '(untitled)';
}

/**
 * An item as an unclassified open-source STIX report (§11): the title and text exactly as published, the
 * source named in `external_references[0]` and in `object_refs`. `id` is the report's (new or held), `at`
 * the version's time.
 */
export function newsReport(options: {
  id: string;
  item: FeedItem;
  feed: { title: string; url: string };
  source: StixObject;
  /** The ids of the places, countries, people and organisations it mentions. */
  mentions?: readonly string[];
  createdBy: string;
  label: string;
  created: string;
  modified: string;
}): StixObject {
  const { item } = options;
  const reference: Record<string, string> = { source_name: options.feed.title || options.feed.url };
  if (item.link) reference.url = item.link;
  if (item.guid) reference.external_id = item.guid;
  return {
    type: 'report',
    spec_version: '2.1',
    id: options.id,
    created: options.created,
    modified: options.modified,
    created_by_ref: options.createdBy,
    name: nameOf(item),
    ...(item.text ? { description: item.text } : {}),
    report_types: ['news'],
    published: item.published ?? options.modified,
    object_refs: [options.source.id, ...(options.mentions ?? [])],
    external_references: [reference],
    object_marking_refs: [options.label],
  };
}

/** A new report's id: from its first key, so the same story polled on two nodes has one id. */
export function reportIdFor(keys: readonly string[]): string {
  return `report--${uuidv5(`news:${keys[0] ?? ''}`, RELTO_NAMESPACE)}`;
}
