import { type Label, type Lang, type RenderedLabel, renderBanner, renderLabel } from '../../label/index.js';
import type { CompiledRegistry } from '../../registry/index.js';
import {
  isAlternativeMarking,
  isReltoMarking,
  markingToAlternative,
  markingToLabel,
} from '../../stix/index.js';

type Stix = { id: string; type: string; [k: string]: unknown };

/** An item's label as its reader sees it: the banner in the reader's language and scheme (R6, R7). */
export interface ReaderLabel {
  lang: Lang;
  /** One line per originator, highest first, joined by a line break (most items have one originator). */
  banner: string;
  lines: RenderedLabel[];
}

/** The marking ids an object as served names: its floor and the granular markings the reader is shown. */
function markingRefsOf(object: Stix): string[] {
  const ids = new Set<string>((object.object_marking_refs as string[] | undefined) ?? []);
  for (const g of (object.granular_markings as { marking_ref?: string }[] | undefined) ?? []) {
    if (g.marking_ref) ids.add(g.marking_ref);
  }
  return [...ids];
}

/**
 * Renders the label of `object` for a reader of `reader` in `lang`, from the marking-definitions served
 * beside it: the relto labels it names (floor and the portions left in the reader's view, so a withheld
 * portion's level never shows), and the reader's node's receiver-equivalent markings, which name the
 * agreement each originator's item was received under. Undefined for an object without a relto label (the
 * fixed public objects).
 */
export function readerLabel(
  registry: CompiledRegistry,
  object: Stix,
  markings: readonly Stix[],
  reader: string,
  lang: Lang,
): ReaderLabel | undefined {
  const byId = new Map(markings.map((m) => [m.id, m]));
  const labels: Label[] = [];
  const agreements: Record<string, string> = {};
  for (const id of markingRefsOf(object)) {
    const md = byId.get(id);
    if (!md || !isReltoMarking(md) || isAlternativeMarking(md)) continue;
    const label = markingToLabel(md);
    labels.push(label);
    for (const m of markings) {
      if (!isAlternativeMarking(m)) continue;
      const alt = markingToAlternative(m);
      if (alt.alternativeOf === id && alt.party === reader) agreements[label.originator] = alt.agreement;
    }
  }
  if (labels.length === 0) return undefined;
  let lines: RenderedLabel[];
  try {
    lines = renderBanner(registry, labels, { reader, lang, agreements }).lines;
  } catch {
    // Portions that cannot share one banner (two purposes) still show the floor, the object's own label.
    const floor = labels[0]!;
    lines = [renderLabel(registry, floor, { reader, lang, agreement: agreements[floor.originator] })];
  }
  return { lang, banner: lines.map((l) => l.banner).join('\n'), lines };
}

/**
 * The banner of every object of a list answer, by object id, rendered once per set of markings (a page of
 * items under a few labels renders a few banners).
 */
export function readerBanners(
  registry: CompiledRegistry,
  objects: readonly Stix[],
  markings: readonly Stix[],
  reader: string,
  lang: Lang,
): Record<string, string> {
  const out: Record<string, string> = {};
  const cache = new Map<string, string | undefined>();
  for (const o of objects) {
    const key = markingRefsOf(o).sort().join(' ');
    if (!cache.has(key)) cache.set(key, readerLabel(registry, o, markings, reader, lang)?.banner);
    const banner = cache.get(key);
    if (banner !== undefined) out[o.id] = banner;
  }
  return out;
}
