import type { BriefContent, BriefCount, BriefHeadline } from '../../brief/index.js';
import { type Lang, message, renderLabel } from '../../label/index.js';
import type { BriefSubscriptionRecord, StoredObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { isNews, isOwnOpenSource, newsItem } from '../feeds/news.js';
import { readableAdded } from '../serve/index.js';
import type { Person } from '../service.js';

/** Types that are part of items rather than items: never counted as news of their own. */
const NOT_ITEMS = new Set([
  'identity',
  'location',
  'relationship',
  'marking-definition',
  'extension-definition',
  'language-content',
]);

/**
 * A news report the node took in itself and unclassified (R33): only such an item's headline goes into a mail,
 * whatever else the person may read.
 */
function isHeadlineRow(ctx: NodeContext, row: StoredObject): boolean {
  return row.levelRank === 0 && isOwnOpenSource(ctx, row);
}

/** The level as the reader's nation names it: its equivalent of a foreign item's level (R6), else the original. */
function levelName(ctx: NodeContext, floor: string, lang: Lang): string | null {
  const label = ctx.book.get(floor)?.label;
  if (!label) return null;
  const r = renderLabel(ctx.registry, label, { reader: ctx.party, lang });
  const level = r.classification ?? r.original;
  if (!level) return null;
  return lang === 'en' && level.romanised !== level.native
    ? `${level.native} (${level.romanised})`
    : level.native;
}

/**
 * What one person's brief holds for the window (from, to]: the open-source headlines on their topics, and for
 * classified items they may read, counts per partner and level only. Everything is read through the node's one
 * read path as that person (R7, R10), audited as the brief's; the content of a classified item is never opened.
 */
export async function briefContent(
  ctx: NodeContext,
  person: Person,
  subscription: BriefSubscriptionRecord,
  window: { from: string; to: string },
  links: { workspaceUrl: string; unsubscribeUrl: string; date: string },
): Promise<BriefContent> {
  const lang = subscription.lang;
  const rows = await readableAdded(ctx, person, window, (row) => isHeadlineRow(ctx, row), 'brief');
  const wanted = subscription.topics.length > 0 ? new Set(subscription.topics) : null;
  const headlines = new Map<string, BriefHeadline>();
  const counts = new Map<string, BriefCount & { ids: Set<string> }>();
  for (const { row, object } of rows) {
    if (isHeadlineRow(ctx, row)) {
      if (!object || !isNews(object)) continue;
      if (wanted && !row.topics.some((t) => wanted.has(t))) continue;
      const { id, headline, source, url, topics, places, added } = newsItem(row, object, ctx.party, lang);
      headlines.set(id, {
        id,
        headline,
        source,
        ...(url ? { url } : {}),
        topics,
        places: places.map((p) => p.name),
        added,
      });
      continue;
    }
    // Classified: a count per partner and level, nothing of the item itself.
    if ((row.levelRank ?? 0) === 0 || NOT_ITEMS.has(row.type) || !row.floor || !row.originator) continue;
    const level = levelName(ctx, row.floor, lang);
    if (!level) continue;
    const partner = ctx.registry.parties.get(row.originator)?.def.name[lang] ?? row.originator;
    const key = `${partner}\0${level}`;
    let c = counts.get(key);
    if (!c) {
      c = { partner, level, count: 0, ids: new Set() };
      counts.set(key, c);
    }
    c.ids.add(row.id);
    c.count = c.ids.size;
  }
  return {
    lang,
    party: ctx.registry.parties.get(ctx.party)!.def.name[lang],
    date: links.date,
    headlines: [...headlines.values()],
    counts: [...counts.values()]
      .map(({ ids: _ids, ...c }) => c)
      .sort((a, b) => a.partner.localeCompare(b.partner) || b.count - a.count),
    topicName: (id) => message(lang, `topic.${id}`) ?? id,
    workspaceUrl: links.workspaceUrl,
    unsubscribeUrl: links.unsubscribeUrl,
  };
}
