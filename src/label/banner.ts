import { canonicalize } from '../canon/index.js';
import { ReltoError } from '../errors/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { compareLevels, levelOf } from './compare.js';
import { normaliseConsent, normaliseLabel, releasableParties, sortedSet } from './normalise.js';
import type { Consent, Label } from './schema.js';
import { type LabelProblem, validateLabel } from './validate.js';

/** The dominant marking of a document made of portions (R7). */
export interface Banner {
  /**
   * One dominant label per originator, in normal form, from the highest level down (levels of different
   * originators compare by tier; incomparable ones and equals by party code).
   */
  lines: Label[];
  /**
   * The parties that may read every portion as far as Releasable To goes: the intersection, over the
   * portions, of the originator plus its list. A display aid; each portion is still decided on its own.
   */
  releasableTo: string[];
  /** The one purpose the portions state, if any states one. */
  purpose?: string;
}

function unionCategories(labels: readonly Label[], field: 'restrictive' | 'informative') {
  const out: Record<string, string[]> = {};
  for (const l of labels) {
    for (const [k, v] of Object.entries(l[field] ?? {})) out[k] = [...(out[k] ?? []), ...v];
  }
  return out;
}

function intersect(sets: readonly (readonly string[])[]): string[] {
  if (sets.length === 0) return [];
  return sortedSet(sets[0]).filter((v) => sets.every((s) => s.includes(v)));
}

/** The dominant label of portions that share one originator and (at most) one purpose. */
function dominantLine(reg: CompiledRegistry, portions: readonly Label[]): Label {
  const originator = portions[0].originator;
  const scheme = reg.parties.get(originator)!;
  let top = portions[0].classification;
  for (const p of portions) {
    if (scheme.levels.get(p.classification)!.rank > scheme.levels.get(top)!.rank) top = p.classification;
  }
  const line: Label = { originator, classification: top };

  // Releasable To intersected; an absent or empty list means the originator only (§3).
  if (portions.some((p) => (p.releasableTo ?? []).length > 0)) {
    line.releasableTo = intersect(
      portions.map((p) => ((p.releasableTo ?? []).length > 0 ? p.releasableTo! : [originator])),
    );
  }
  line.restrictive = unionCategories(portions, 'restrictive');
  line.informative = unionCategories(portions, 'informative');
  line.caveats = portions.flatMap((p) => p.caveats ?? []);
  line.topics = portions.flatMap((p) => p.topics ?? []);
  const purpose = portions.find((p) => p.purpose !== undefined)?.purpose;
  if (purpose !== undefined) line.purpose = purpose;

  // A consent was given for an item; the document may rely on it only where every portion has it
  // (compared as normalised records). Dropping a consent can only make the banner stricter.
  const keyed = portions.map(
    (p) => new Map((p.consents ?? []).map((c) => [canonicalize(normaliseConsent(c)), c])),
  );
  const common: Consent[] = [];
  for (const [k, c] of keyed[0]) if (keyed.every((m) => m.has(k))) common.push(c);
  line.consents = common;
  return normaliseLabel(line);
}

/**
 * Every problem that keeps these portion labels from sharing a document: each portion's own problems
 * (pointers prefixed with `/i`), portions stating different purposes (R7), or no portion at all.
 */
export function bannerProblems(reg: CompiledRegistry, portions: readonly unknown[]): LabelProblem[] {
  if (portions.length === 0) {
    return [{ kind: 'NO_PORTIONS', path: '', message: 'expected: at least one portion label' }];
  }
  const out: LabelProblem[] = [];
  portions.forEach((p, i) => {
    for (const problem of validateLabel(reg, p)) out.push({ ...problem, path: `/${i}${problem.path}` });
  });
  if (out.length > 0) return out;
  let purpose: string | undefined;
  (portions as Label[]).forEach((p, i) => {
    if (p.purpose === undefined) return;
    if (purpose === undefined) purpose = p.purpose;
    else if (p.purpose !== purpose) {
      out.push({
        kind: 'PURPOSE_CONFLICT',
        path: `/${i}/purpose`,
        message: `expected: the purpose the other portions state (${JSON.stringify(purpose)}); portions provided for different purposes cannot share a document`,
      });
    }
  });
  return out;
}

/**
 * The banner of a document from its portion labels (R7): per originator the highest classification,
 * Releasable To intersected, restrictive and informative values, caveats and topics united, consents
 * kept only when every portion of that originator has them. Throws ReltoError INVALID_LABEL (path
 * `/i/…`, the offending portion) for an invalid portion, portions with different purposes, or none.
 *
 * The banner marks the document; access is still decided portion by portion (R7). It is not an access
 * label: a portion at a level the agreement does not cover (대외비) may sit under a banner whose level is
 * covered.
 */
export function banner(reg: CompiledRegistry, portions: readonly unknown[]): Banner {
  const problems = bannerProblems(reg, portions);
  if (problems.length > 0) {
    const first = problems[0];
    throw new ReltoError('INVALID_LABEL', `${first.path}: ${first.message}`, first.path, problems);
  }
  const labels = portions as Label[];
  const byOriginator = new Map<string, Label[]>();
  for (const l of labels) {
    const list = byOriginator.get(l.originator);
    if (list) list.push(l);
    else byOriginator.set(l.originator, [l]);
  }
  const lines = [...byOriginator.values()].map((group) => dominantLine(reg, group));
  // Highest first: count the lines each one stands above (a partial order sorts safely that way).
  const height = lines.map(
    (a) => lines.filter((b) => compareLevels(reg, levelOf(a), levelOf(b)) === 'above').length,
  );
  const order = lines.map((_, i) => i);
  order.sort((i, j) => height[j] - height[i] || (lines[i].originator < lines[j].originator ? -1 : 1));
  const result: Banner = {
    lines: order.map((i) => lines[i]),
    releasableTo: intersect(labels.map(releasableParties)),
  };
  const purpose = labels.find((l) => l.purpose !== undefined)?.purpose;
  if (purpose !== undefined) result.purpose = purpose;
  return result;
}
