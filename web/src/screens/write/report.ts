/**
 * The editor's draft and the STIX report it becomes (contracts §6): the title's label is the floor in
 * `object_marking_refs`, each paragraph a portion of the relto portions extension, marked by a granular
 * marking when its label is not the floor's. The marking-definitions come from the node (`POST
 * /api/v1/labels`): their ids are hashes the node makes, so the browser never computes a second one.
 */
import type { Label } from '../../../../src/label/index.js';
import { normaliseLabel } from '../../../../src/label/normalise.js';
import { withPortions } from '../../../../src/stix/portions.js';

export interface Paragraph {
  /** A level id of the writer's scheme. */
  level: string;
  /** Party codes ticked under "Releasable to". */
  releasableTo: string[];
  text: string;
}

export interface Draft {
  title: string;
  /** The title's level: the report's floor. */
  titleLevel: string;
  paragraphs: Paragraph[];
  caveats: string[];
  topics: string[];
}

export interface DraftLabels {
  floor: Label;
  /** One per paragraph, in order. */
  portions: Label[];
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/**
 * The labels a draft carries for a writer of `party`: each paragraph its level and Releasable To, the
 * draft's caveats and topics on every label; the floor (what a reader needs to see the report at all, the
 * title) at the title's level, releasable to every party some paragraph is releasable to, since each of
 * them is shown the title with the paragraphs they may read.
 */
export function draftLabels(party: string, draft: Draft): DraftLabels {
  const common = {
    ...(draft.caveats.length ? { caveats: sorted(draft.caveats) as Label['caveats'] } : {}),
    ...(draft.topics.length ? { topics: sorted(draft.topics) } : {}),
  };
  const portions = draft.paragraphs.map((p) =>
    normaliseLabel({
      originator: party,
      classification: p.level,
      ...(p.releasableTo.length ? { releasableTo: sorted(p.releasableTo) } : {}),
      ...common,
    }),
  );
  const everyone = sorted(draft.paragraphs.flatMap((p) => p.releasableTo));
  const floor = normaliseLabel({
    originator: party,
    classification: draft.titleLevel,
    ...(everyone.length ? { releasableTo: everyone } : {}),
    ...common,
  });
  return { floor, portions };
}

type Marking = { id: string; type: string; created_by_ref?: string; [k: string]: unknown };

/**
 * The bundle to post: the distinct marking-definitions, then the report. `markings` are the node's answer
 * for `[floor, ...portions]` of `draftLabels`, in that order; `id` and `now` are given so a test can fix them.
 */
export function buildReport(
  draft: Draft,
  markings: readonly Marking[],
  options: { id: string; bundleId: string; now: string },
): { type: 'bundle'; id: string; objects: Record<string, unknown>[] } {
  const [floor, ...portionMarkings] = markings;
  if (!floor || portionMarkings.length !== draft.paragraphs.length) {
    throw new Error('one marking for the title and one per paragraph are needed');
  }
  const author = floor.created_by_ref;
  if (!author) throw new Error('the title marking names no originator identity');
  const base = {
    type: 'report',
    spec_version: '2.1',
    id: options.id,
    created: options.now,
    modified: options.now,
    created_by_ref: author,
    name: draft.title,
    published: options.now,
    report_types: ['threat-report'],
    // A report must reference something (STIX 2.1): its author's identity, as the node's own reports do.
    object_refs: [author],
    object_marking_refs: [floor.id],
  };
  const report = withPortions(
    base,
    draft.paragraphs.map((p, i) => {
      const m = portionMarkings[i]!;
      return m.id === floor.id ? { text: p.text } : { text: p.text, marking: m.id };
    }),
  );
  const distinct = new Map(markings.map((m) => [m.id, m]));
  return { type: 'bundle', id: options.bundleId, objects: [...distinct.values(), report] };
}

/** The levels a paragraph may take: the writer's scheme from the title's rank up (never below the title). */
export function paragraphLevels<L extends { id: string; rank: number }>(
  levels: readonly L[],
  titleLevel: string,
): L[] {
  const floor = levels.find((l) => l.id === titleLevel)?.rank ?? 0;
  return [...levels].sort((a, b) => a.rank - b.rank).filter((l) => l.rank >= floor);
}
