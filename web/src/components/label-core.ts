/**
 * The node's pure core, bundled for the browser's previews (the banner as one types, what a partner will
 * see): the same `label/`, `policy/` and `registry/` code the node runs, compiled from the registry the node
 * serves. Only the specific files are imported; nothing here reads a file or the network but `loadRegistry`.
 * The server stays the authority: these previews never decide what the browser receives.
 */
import type { Label } from '../../../src/label/index.js';
import { type Lang, messages } from '../../../src/label/messages.js';
import { type RenderedLabel, renderBanner, renderLabel } from '../../../src/label/render.js';
import type { CompiledRegistry } from '../../../src/registry/compiled.js';
import { compileRegistry } from '../../../src/registry/compiled.js';
import { PORTIONS_EXTENSION_ID } from '../../../src/stix/ids.js';
import {
  isAlternativeMarking,
  isReltoMarking,
  labelFromExtension,
  reltoExtensionOf,
} from '../../../src/stix/marking.js';
import { portionSelector } from '../../../src/stix/portions.js';
import type { Tier } from './Banner.js';

export type { CompiledRegistry, Label, Lang, RenderedLabel };
export { renderLabel };

export type Stix = { id: string; type: string; [k: string]: unknown };

export { isAlternativeMarking, isReltoMarking };

/**
 * The label of a marking-definition the node served. The node checked its id against its content when it
 * stored it; the browser reads it as it stands (checking again would take a synchronous hash it lacks).
 */
export function servedLabel(md: unknown): Label {
  const ext = reltoExtensionOf(md);
  if (!ext || 'alternative_of' in ext) throw new Error('not a relto label marking');
  return labelFromExtension(ext);
}

/** A served receiver-equivalent marking's fields (R6). */
export function servedAlternative(md: unknown): { alternativeOf: string; party: string; agreement: string } {
  const ext = reltoExtensionOf(md) ?? {};
  return {
    alternativeOf: String(ext.alternative_of ?? ''),
    party: String(ext.party ?? ''),
    agreement: String(ext.agreement ?? ''),
  };
}

let registry: Promise<CompiledRegistry> | null = null;
let compiled: CompiledRegistry | null = null;

/** The node's registry (`GET /api/v1/registry`, its source document), compiled once per page. */
export function loadRegistry(fetchJson: (path: string) => Promise<unknown>): Promise<CompiledRegistry> {
  registry ??= fetchJson('/registry').then((answer) => {
    const a = answer as { registry?: unknown; parties?: unknown };
    compiled = compileRegistry(a.parties ? a : a.registry);
    return compiled;
  });
  registry.catch(() => {
    registry = null;
  });
  return registry;
}

/**
 * The registry compiled now, when its answer is already in hand (`sent`, the answer that came with the
 * page); `loadRegistry` then resolves to this same compiled registry.
 */
export function registryFrom(sent: unknown): CompiledRegistry | null {
  if (compiled || sent === undefined) return compiled;
  const a = sent as { registry?: unknown; parties?: unknown };
  try {
    compiled = compileRegistry(a.parties ? a : a.registry);
  } catch {
    return null; // loadRegistry reports it
  }
  registry = Promise.resolve(compiled);
  return compiled;
}

/** A compiled registry from a document already in hand (tests, and pages that got it otherwise). */
export function compile(document: unknown): CompiledRegistry {
  return compileRegistry(document);
}

/**
 * The banner colour of a level (contracts §10: the global tier). A classified level outside every tier
 * (Korea's 대외비, restricted) takes the lowest classified colour: it must never look unclassified.
 */
export function tierOfLevel(
  reg: CompiledRegistry,
  party: string,
  level: string,
  designations: string[] = [],
): Tier {
  const tier = reg.tierOf(party, level, designations);
  if (tier === 'TS' || tier === 'S' || tier === 'C') return tier;
  const rank = reg.parties.get(party)?.levels.get(level)?.rank ?? 0;
  return rank === 0 ? 'U' : 'C';
}

/** The tier of a rendered banner line: the reader's level when there is one, else the originator's. */
export function tierOfLine(reg: CompiledRegistry, line: RenderedLabel): Tier {
  const level = line.classification ?? line.original;
  if (!level) return 'U';
  return tierOfLevel(reg, level.party, level.level);
}

export interface ComputedBanner {
  text: string;
  tier: Tier;
  lines: RenderedLabel[];
}

/**
 * The banner over labels (R7) for a reader, as the node renders it: one line per originator, highest first,
 * coloured by the highest line's tier. Throws the core's INVALID_LABEL for labels that cannot share a
 * document (an editor shows it as the reason).
 */
export function computeBanner(
  reg: CompiledRegistry,
  labels: readonly Label[],
  reader: string,
  lang: Lang,
  agreements?: Record<string, string>,
): ComputedBanner {
  const { lines } = renderBanner(reg, labels, { reader, lang, ...(agreements ? { agreements } : {}) });
  return { text: lines.map((l) => l.banner).join('\n'), tier: tierOfLine(reg, lines[0]!), lines };
}

/** The topics the core names, with their names in `lang`. */
export function topicsIn(lang: Lang): { id: string; text: string }[] {
  return Object.entries(messages[lang])
    .filter(([k]) => k.startsWith('topic.'))
    .map(([k, text]) => ({ id: k.slice('topic.'.length), text }));
}

/** One paragraph of a served object: its text, or withheld; with the label that marks it when shown. */
export interface ServedPortion {
  index: number;
  text?: string;
  withheld: boolean;
  /** The marking-definition id over it: its granular marking, else the object's floor. */
  markingId?: string;
  label?: Label;
}

/** The portions of a served object with their labels, resolved from the marking-definitions served beside it. */
export function servedPortions(object: Stix, markings: readonly Stix[]): ServedPortion[] {
  const ext = (object.extensions as Record<string, { portions?: unknown[] }> | undefined)?.[
    PORTIONS_EXTENSION_ID
  ];
  const portions = Array.isArray(ext?.portions) ? ext.portions : [];
  const floor = ((object.object_marking_refs as string[] | undefined) ?? []).find((id) =>
    markings.some((m) => m.id === id && isReltoMarking(m) && !isAlternativeMarking(m)),
  );
  const granular =
    (object.granular_markings as { marking_ref?: string; selectors: string[] }[] | undefined) ?? [];
  const byId = new Map(markings.map((m) => [m.id, m]));
  return portions.map((p, index) => {
    const portion = p as { text?: unknown; withheld?: unknown };
    if (portion.withheld === true || typeof portion.text !== 'string') return { index, withheld: true };
    const selector = portionSelector(index);
    const markingId =
      granular.find((g) => g.marking_ref && g.selectors.includes(selector) && byId.has(g.marking_ref))
        ?.marking_ref ?? floor;
    const md = markingId ? byId.get(markingId) : undefined;
    return {
      index,
      text: portion.text,
      withheld: false,
      ...(markingId ? { markingId } : {}),
      ...(md && isReltoMarking(md) && !isAlternativeMarking(md) ? { label: servedLabel(md) } : {}),
    };
  });
}

/** Per originator, the agreement the reader's node received its labels under (its receiver-equivalent markings). */
export function receivedUnder(markings: readonly Stix[], reader: string): Record<string, string> {
  const out: Record<string, string> = {};
  const labels = new Map<string, Label>();
  for (const m of markings)
    if (isReltoMarking(m) && !isAlternativeMarking(m)) labels.set(m.id, servedLabel(m));
  for (const m of markings) {
    if (!isAlternativeMarking(m)) continue;
    const alt = servedAlternative(m);
    const label = labels.get(alt.alternativeOf);
    if (label && alt.party === reader) out[label.originator] = alt.agreement;
  }
  return out;
}
