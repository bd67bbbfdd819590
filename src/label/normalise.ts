import { canonicalize } from '../canon/index.js';
import type { Consent, Label } from './schema.js';

/** Sorted (UTF-16 code units, as RFC 8785 orders keys) and de-duplicated copy of a list. */
export function sortedSet<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}

function normaliseCategories(
  categories: Record<string, string[]> | undefined,
): Record<string, string[]> | undefined {
  if (!categories) return undefined;
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(categories).sort()) {
    const values = sortedSet(categories[key]);
    if (values.length > 0) out[key] = values;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A consent with its action list sorted and de-duplicated, keys in a fixed order. */
export function normaliseConsent(c: Consent): Consent {
  const out: Consent = { by: c.by, at: c.at };
  if (c.to !== undefined) out.to = c.to;
  if (c.actions !== undefined) out.actions = sortedSet(c.actions);
  if (c.purpose !== undefined) out.purpose = c.purpose;
  if (c.ref !== undefined) out.ref = c.ref;
  if (c.holder !== undefined) out.holder = c.holder;
  if (c.expires !== undefined) out.expires = c.expires;
  // `revoked: false` says nothing more than its absence.
  if (c.revoked === true) out.revoked = true;
  return out;
}

/**
 * The normal form of a label (the one contracts §6 uses for the marking id): every list sorted and
 * de-duplicated, empty lists and objects omitted at every depth. Two labels that mean the same compare
 * equal on their normal forms (`labelKey`). Consents, which §6 leaves out of the marking, are normalised
 * the same way and sorted by their canonical JSON.
 * The originator in Releasable To is kept as written: `["KOR"]` and an absent list mean the same to the
 * rules, but §6 hashes what is written.
 */
export function normaliseLabel(label: Label): Label {
  const out: Label = { originator: label.originator, classification: label.classification };
  if (label.releasableTo && label.releasableTo.length > 0) out.releasableTo = sortedSet(label.releasableTo);
  const restrictive = normaliseCategories(label.restrictive);
  if (restrictive) out.restrictive = restrictive;
  const informative = normaliseCategories(label.informative);
  if (informative) out.informative = informative;
  if (label.caveats && label.caveats.length > 0) out.caveats = sortedSet(label.caveats);
  if (label.topics && label.topics.length > 0) out.topics = sortedSet(label.topics);
  if (label.purpose !== undefined) out.purpose = label.purpose;
  if (label.consents && label.consents.length > 0) {
    const byKey = new Map<string, Consent>();
    for (const c of label.consents) {
      const n = normaliseConsent(c);
      byKey.set(canonicalize(n), n);
    }
    out.consents = [...byKey.keys()].sort().map((k) => byKey.get(k)!);
  }
  return out;
}

/** A string equal for two labels exactly when their normal forms are equal (RFC 8785 JSON). */
export function labelKey(label: Label): string {
  return canonicalize(normaliseLabel(label));
}

/** Do two labels say the same thing, list order and duplicates aside? */
export function sameLabel(a: Label, b: Label): boolean {
  return labelKey(a) === labelKey(b);
}

/** The parties that may read an item on its Releasable To (R11): the originator plus the list. */
export function releasableParties(label: Label): string[] {
  return sortedSet([label.originator, ...(label.releasableTo ?? [])]);
}
