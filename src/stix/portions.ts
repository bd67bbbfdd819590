import { PORTIONS_EXTENSION_ID } from './ids.js';

/** One paragraph of a document, or what a reader who may not see it gets instead. */
export type Portion = { text: string } | { withheld: true };

/** The granular-marking selector of portion `i` (contracts §6). */
export function portionSelector(i: number): string {
  return `extensions.${PORTIONS_EXTENSION_ID}.portions.[${i}]`;
}

/** The portions of an object, [] when it has none. */
export function portionsOf(object: Record<string, unknown>): Portion[] {
  const ext = (object.extensions as Record<string, { portions?: Portion[] }> | undefined)?.[
    PORTIONS_EXTENSION_ID
  ];
  return Array.isArray(ext?.portions) ? ext.portions : [];
}

/** True when a reader's view of the object had something withheld. */
export function isRedacted(object: Record<string, unknown>): boolean {
  const ext = (object.extensions as Record<string, { redacted?: boolean }> | undefined)?.[
    PORTIONS_EXTENSION_ID
  ];
  return ext?.redacted === true;
}

/**
 * A copy of `object` carrying `portions` in the relto portions extension, each portion with a `marking`
 * marked by a granular marking (one per distinct marking, listing all its portions). Portions without a
 * marking are covered by the object's floor label.
 *
 * @example withPortions(report, [{ text: 'Launch at 06:00.', marking: secretLabelId }, { text: 'Weather.' }])
 */
export function withPortions<T extends Record<string, unknown>>(
  object: T,
  portions: readonly { text: string; marking?: string }[],
): T {
  const out = structuredClone(object) as Record<string, unknown>;
  const extensions = { ...((out.extensions as Record<string, unknown> | undefined) ?? {}) };
  extensions[PORTIONS_EXTENSION_ID] = {
    extension_type: 'property-extension',
    portions: portions.map((p) => ({ text: p.text })),
  };
  out.extensions = extensions;
  const bySelector = new Map<string, string[]>();
  portions.forEach((p, i) => {
    if (p.marking === undefined) return;
    const list = bySelector.get(p.marking) ?? [];
    list.push(portionSelector(i));
    bySelector.set(p.marking, list);
  });
  // Earlier portion markings of this object point at portions that were just replaced.
  const kept = ((out.granular_markings as { selectors: string[] }[] | undefined) ?? []).filter(
    (g) => !g.selectors.some((s) => s.startsWith(`extensions.${PORTIONS_EXTENSION_ID}.portions`)),
  );
  const added = [...bySelector].map(([marking_ref, selectors]) => ({ selectors, marking_ref }));
  const all = [...kept, ...added];
  if (all.length > 0) out.granular_markings = all;
  else delete out.granular_markings;
  return out as T;
}
