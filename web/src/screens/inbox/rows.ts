import {
  type CompiledRegistry,
  isAlternativeMarking,
  isReltoMarking,
  type Lang,
  receivedUnder,
  renderLabel,
  type Stix,
  servedLabel,
  topicsIn,
} from '../../components/label-core.js';

/** One inbox row: what the list shows of an item the person may read. */
export interface InboxRow {
  id: string;
  type: string;
  title: string;
  /** When it was last changed (newest first). */
  modified: string;
  /** The originator's party code and name in the reader's language. */
  partner: string;
  partnerName: string;
  topics: string[];
  /** The level in the reader's scheme. */
  level: string;
  /** For a foreign item, the originator's own name of its level, shown beside. */
  original?: string;
  /** The full banner the node rendered for the reader. */
  banner: string;
}

/** Objects that are not items (labels, identities, the extension definitions) are never rows. */
const NOT_ITEMS = new Set(['marking-definition', 'identity', 'extension-definition']);

/**
 * Rows for a page of `GET /api/v1/items` (already filtered by the node for this reader): the originator and
 * level come from the item's floor label rendered by the core for the reader; its banner is the node's.
 */
export function inboxRows(
  reg: CompiledRegistry,
  page: { items: Stix[]; markings: Stix[]; banners: Record<string, string> },
  reader: string,
  lang: Lang,
): InboxRow[] {
  const labels = new Map(
    page.markings.filter((m) => isReltoMarking(m) && !isAlternativeMarking(m)).map((m) => [m.id, m]),
  );
  const agreements = receivedUnder(page.markings, reader);
  const topicNames = new Map(topicsIn(lang).map((t) => [t.id, t.text]));
  const rows: InboxRow[] = [];
  // Many items share a few labels: each label is rendered once per page.
  const levels = new Map<string, { level: string; original?: string }>();
  for (const item of page.items) {
    if (NOT_ITEMS.has(item.type)) continue;
    const floorId = ((item.object_marking_refs as string[] | undefined) ?? []).find((id) => labels.has(id));
    const label = floorId ? servedLabel(labels.get(floorId)) : undefined;
    let shown = floorId ? levels.get(floorId) : undefined;
    if (label && floorId && !shown) {
      try {
        const r = renderLabel(reg, label, { reader, lang, agreement: agreements[label.originator] });
        shown = { level: r.classification?.native ?? '—' };
        if (!r.own && r.original) shown.original = r.original.native;
      } catch {
        shown = { level: '—' };
      }
      levels.set(floorId, shown);
    }
    const level = shown?.level ?? '';
    const original = shown?.original;
    const originator = label?.originator ?? '';
    rows.push({
      id: item.id,
      type: item.type,
      title: typeof item.name === 'string' ? item.name : item.id,
      modified: String(item.modified ?? item.created ?? ''),
      partner: originator,
      partnerName: originator ? (reg.parties.get(originator)?.def.name[lang] ?? originator) : '',
      topics: (label?.topics ?? []).map((t) => topicNames.get(t) ?? t),
      level,
      ...(original ? { original } : {}),
      banner: page.banners[item.id] ?? '',
    });
  }
  return rows;
}

/** Merges new rows into the list by id (a newer version replaces the row), newest first. */
export function mergeRows(current: readonly InboxRow[], incoming: readonly InboxRow[]): InboxRow[] {
  const byId = new Map(current.map((r) => [r.id, r]));
  for (const r of incoming) {
    const old = byId.get(r.id);
    if (!old || old.modified <= r.modified) byId.set(r.id, r);
  }
  return [...byId.values()].sort((a, b) =>
    a.modified === b.modified ? (a.id < b.id ? -1 : 1) : a.modified < b.modified ? 1 : -1,
  );
}
