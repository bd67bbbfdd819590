import type { Lang } from '../../i18n/index.js';

/** A place or country an item mentions, named as the reader's nation names it (`GET /api/v1/news`). */
export interface NewsPlace {
  id: string;
  name: string;
  kind: 'place' | 'country';
  latitude?: number;
  longitude?: number;
}

/** One news item of `GET /api/v1/news`: the headline exactly as published. */
export interface NewsItem {
  id: string;
  headline: string;
  source: string;
  url?: string;
  published?: string;
  added: string;
  lang?: string;
  topics: string[];
  places: NewsPlace[];
}

export interface NewsPage {
  news: NewsItem[];
  next?: string;
}

/** One entity of `GET /api/v1/items/:id/entities`: `mentions` are UTF-16 offsets into the description. */
export interface Entity {
  id: string;
  kind: 'person' | 'organisation' | 'place' | 'country';
  name: string;
  country?: string;
  latitude?: number;
  longitude?: number;
  mentions: { start: number; end: number }[];
}

export const PAGE_SIZE = 50;

/** The API path of one page of news: the reader's language, the topics the address names, where to go on. */
export function newsPath(lang: Lang, topics: readonly string[], next?: string): string {
  const q = new URLSearchParams({ lang, limit: String(PAGE_SIZE) });
  for (const t of topics) q.append('topic', t);
  if (next) q.set('next', next);
  return `/news?${q}`;
}

/** A stretch of the text: as published, and, when it is a mention, the entity it names. */
export interface Segment {
  text: string;
  entity?: Entity;
}

/**
 * The text cut at its mentions, every character kept in its place (joined, the segments are the text exactly
 * as published). Mentions out of range or overlapping one already taken are left unmarked.
 */
export function segments(text: string, entities: readonly Entity[]): Segment[] {
  const marks = entities
    .flatMap((entity) => entity.mentions.map((m) => ({ ...m, entity })))
    .filter((m) => m.start >= 0 && m.end <= text.length && m.start < m.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Segment[] = [];
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue;
    if (m.start > at) out.push({ text: text.slice(at, m.start) });
    out.push({ text: text.slice(m.start, m.end), entity: m.entity });
    at = m.end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at) });
  return out;
}

/** The topics to filter by: the node's feeds' (when it says) and those of the news shown, each once, sorted. */
export function topicChoices(fromNode: readonly string[], news: readonly NewsItem[]): string[] {
  return [...new Set([...fromNode, ...news.flatMap((n) => n.topics)])].sort();
}

/** Appends a page to the list, an item already there (a newer version) kept once, where it first came. */
export function appendPage(current: readonly NewsItem[], page: readonly NewsItem[]): NewsItem[] {
  const seen = new Set(current.map((n) => n.id));
  return [...current, ...page.filter((n) => !seen.has(n.id))];
}
