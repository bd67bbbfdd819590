import type { NameLang } from '../../entities/index.js';
import type { StixObject, StoredObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { visibleRows } from '../serve/index.js';
import type { Person } from '../service.js';
import { type NamedPlace, placesAmong } from './entities.js';

/** The topic every open-source item carries: it says nothing about one item, so the list leaves it out. */
const OSINT = 'OSINT';
export const NEWS_PAGE_DEFAULT = 50;
export const NEWS_PAGE_MAX = 200;

export interface NewsQuery {
  /** The language the places are named in. */
  lang: NameLang;
  limit?: number;
  /** Where the previous page ended (its `next`). */
  next?: string;
  /** Only items on any of these topics; none: every item. */
  topics?: string[];
  /** Only items whose headline or text contains these words as written (case and width folded). */
  q?: string;
}

/** A place or country an item mentions (its `object_refs`), named as the reader's party names it, in their language. */
export type NewsPlace = NamedPlace;

/** One news item as the list shows it: the headline exactly as published, never translated. */
export interface NewsItem {
  id: string;
  headline: string;
  /** The feed's title. */
  source: string;
  url?: string;
  published?: string;
  /** When this node took it in (this version). */
  added: string;
  lang?: string;
  topics: string[];
  places: NewsPlace[];
}

export interface NewsPage {
  news: NewsItem[];
  next?: string;
}

function folded(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The node's own open-source report, by its clear columns: made by the node, topic OSINT (R33). */
export function isOwnOpenSource(ctx: NodeContext, row: StoredObject): boolean {
  return row.type === 'report' && row.createdByRef === ctx.identityId && row.topics.includes(OSINT);
}

export function isNews(object: StixObject): boolean {
  return Array.isArray(object.report_types) && object.report_types.includes('news');
}

/** A news report as a person is shown it: headline and source as published, places named their nation's way. */
export function newsItem(row: StoredObject, object: StixObject, party: string, lang: NameLang): NewsItem {
  const ref = (Array.isArray(object.external_references) ? object.external_references[0] : undefined) as
    | { source_name?: unknown; url?: unknown }
    | undefined;
  return {
    id: object.id,
    headline: typeof object.name === 'string' ? object.name : '',
    source: typeof ref?.source_name === 'string' ? ref.source_name : '',
    ...(typeof ref?.url === 'string' ? { url: ref.url } : {}),
    ...(typeof object.published === 'string' ? { published: object.published } : {}),
    added: row.dateAdded,
    ...(typeof object.lang === 'string' ? { lang: object.lang } : {}),
    topics: row.topics.filter((t) => t !== OSINT),
    places: placesAmong(
      Array.isArray(object.object_refs) ? (object.object_refs as string[]) : [],
      party,
      lang,
    ),
  };
}

/**
 * The news the node took in, newest taken in first, as the person may read it: through the node's one read
 * path, so every item is decided for them and audited like any other read (R7, R10), though news is
 * unclassified. Only the node's own open-source reports are looked at, by their clear columns, so nothing
 * else is decided for this list.
 */
export async function listNews(ctx: NodeContext, person: Person, query: NewsQuery): Promise<NewsPage> {
  const topics = query.topics?.length ? new Set(query.topics) : null;
  const words = query.q?.trim() ? folded(query.q.trim()) : null;
  const limit = Math.min(query.limit ?? NEWS_PAGE_DEFAULT, NEWS_PAGE_MAX);
  const page = await visibleRows(
    ctx,
    person,
    { types: ['report'], newestFirst: true },
    { limit, ...(query.next ? { next: query.next } : {}) },
    'news',
    {
      row: (row) => isOwnOpenSource(ctx, row) && (!topics || row.topics.some((t) => topics.has(t))),
      object: (object) =>
        isNews(object) &&
        (!words ||
          folded(
            `${typeof object.name === 'string' ? object.name : ''}\n${
              typeof object.description === 'string' ? object.description : ''
            }`,
          ).includes(words)),
    },
  );
  return {
    news: page.items.map((s) => newsItem(s.row, s.object, person.party, query.lang)),
    ...(page.next ? { next: page.next } : {}),
  };
}
