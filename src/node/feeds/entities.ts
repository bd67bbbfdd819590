import { type GazetteerEntry, type NameLang, nameFor } from '../../entities/index.js';
import { entityObjectId } from '../../feeds/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import { finish, visibleLatest } from '../serve/index.js';
import type { Person } from '../service.js';
import { entityFinder } from './intake.js';

/** A person, organisation, place or country an item's text mentions, named for its reader. */
export interface ItemEntity {
  id: string;
  kind: 'person' | 'organisation' | 'place' | 'country';
  /** The name the reader's party uses, in the reader's language (never the text's own words). */
  name: string;
  country?: string;
  latitude?: number;
  longitude?: number;
  /** Where the text names it: UTF-16 offsets into `description`, `end` exclusive. */
  mentions: { start: number; end: number }[];
}

/** An entity as a reader is shown it: the name their party uses in their language; a disputed place no country. */
export function namedEntity(
  entry: GazetteerEntry,
  party: string,
  lang: NameLang,
): Omit<ItemEntity, 'mentions'> {
  return {
    id: entityObjectId(entry),
    kind: entry.kind,
    name: nameFor(entry, party, lang),
    ...(entry.country && !entry.partyNames ? { country: entry.country } : {}),
    ...(entry.lat !== undefined && entry.lon !== undefined
      ? { latitude: entry.lat, longitude: entry.lon }
      : {}),
  };
}

/**
 * What the item's description mentions, as the person may read it (the same read decision as the item's,
 * audited, R7, R10; a portion withheld from them is not searched), or null when the item does not exist for
 * them.
 */
export async function itemEntities(
  ctx: NodeContext,
  person: Person,
  itemId: string,
  lang: NameLang,
): Promise<ItemEntity[] | null> {
  const decider = deciderFor(ctx, person);
  const seen = await visibleLatest(ctx, decider, itemId);
  finish(ctx, decider, 'entities');
  if (!seen) return null;
  const text = typeof seen.object.description === 'string' ? seen.object.description : '';
  const byEntry = new Map<string, ItemEntity>();
  for (const m of entityFinder().find(text)) {
    let e = byEntry.get(m.entry.id);
    if (!e) {
      e = { ...namedEntity(m.entry, person.party, lang), mentions: [] };
      byEntry.set(m.entry.id, e);
    }
    e.mentions.push({ start: m.start, end: m.end });
  }
  return [...byEntry.values()];
}

/** A place or country an item mentions, named for its reader. */
export interface NamedPlace {
  id: string;
  kind: 'place' | 'country';
  name: string;
  latitude?: number;
  longitude?: number;
}

let entriesByObjectId: Map<string, GazetteerEntry> | undefined;

/**
 * The places and countries among an item's `object_refs` (the gazetteer's location objects), in order, each
 * named as the reader's party names it in `lang` (Dokdo / 竹島 / Liancourt Rocks): where a brief or the news
 * list names a place to a person, never the text's own words.
 */
export function placesAmong(refs: readonly string[], party: string, lang: NameLang): NamedPlace[] {
  entriesByObjectId ??= new Map(entityFinder().entries.map((e) => [entityObjectId(e), e]));
  const out: NamedPlace[] = [];
  for (const ref of refs) {
    const entry = entriesByObjectId.get(ref);
    if (!entry || (entry.kind !== 'place' && entry.kind !== 'country')) continue;
    out.push({
      id: ref,
      kind: entry.kind,
      name: nameFor(entry, party, lang),
      ...(entry.lat !== undefined && entry.lon !== undefined
        ? { latitude: entry.lat, longitude: entry.lon }
        : {}),
    });
  }
  return out;
}
