import { type ErrorCode, ReltoError } from '../../errors/index.js';
import { type Label, nameContradiction, validateLabel } from '../../label/index.js';
import type { CompiledRegistry } from '../../registry/index.js';
import { isAlternativeMarking, isReltoMarking } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { type KnownMarking, knownMarking } from '../labels.js';
import type { PostFailure } from '../service.js';

/** Which definition_types relto keeps beside its labels (never used for access). */
const KEPT_DEFINITION_TYPES = new Set(['tlp', 'statement']);

/** A failure with the code it refuses the post with. */
export interface CodedFailure extends PostFailure {
  code: ErrorCode;
}

/** The labels of an admission, resolved: the ones it brings and the ones the node holds. */
export interface ResolvedMarkings {
  /** The marking-definitions the objects bring, by id. */
  posted: Map<string, KnownMarking>;
  /** A marking id as the admission knows it: brought with it, or held. */
  resolve: (id: string) => KnownMarking | undefined;
  failures: CodedFailure[];
}

/** Refuses a relto label that does not follow the registry (INVALID_LABEL, naming where). */
export function checkLabel(registry: CompiledRegistry, label: unknown): asserts label is Label {
  const problems = validateLabel(registry, label);
  if (problems.length > 0) {
    throw new ReltoError('INVALID_LABEL', `${problems[0]!.path}: ${problems[0]!.message}`, problems[0]!.path);
  }
}

/** One marking-definition brought in: a relto label checked against its id and the registry, or TLP/statement. */
function broughtMarking(registry: CompiledRegistry, o: StixObject): KnownMarking {
  if (isReltoMarking(o)) {
    const k = knownMarking(o, isAlternativeMarking(o) ? 'alternative' : 'relto-label');
    if (k.label) {
      const problems = validateLabel(registry, k.label);
      if (problems.length > 0) {
        throw new ReltoError('INVALID_LABEL', `${problems[0]!.path}: ${problems[0]!.message}`);
      }
      // R5: the label is what its extension says; a name, which another tool shows as the level, must not
      // say another one.
      const named = typeof o.name === 'string' ? nameContradiction(registry, k.label, o.name) : null;
      if (named !== null) {
        throw new ReltoError(
          'INVALID_LABEL',
          `the marking's name says ${named}, but its label is ${k.label.originator} ${k.label.classification}: leave the name out or make it say the label's level`,
          '/name',
        );
      }
    }
    return k;
  }
  if (
    typeof o.definition_type === 'string' &&
    KEPT_DEFINITION_TYPES.has(o.definition_type) &&
    o.extensions === undefined
  ) {
    return { id: o.id, kind: o.definition_type, definition: o };
  }
  throw new ReltoError(
    'INVALID_LABEL',
    'a marking-definition relto does not understand (neither a relto label, a receiver-equivalent label, a statement nor TLP)',
  );
}

/**
 * Resolves the labels of an admission: the marking-definitions it brings (relto labels checked against
 * their ids, alternatives, TLP and statements kept; anything else is a marking relto does not understand),
 * and every marking its objects reference, loaded from the node's label book (unknown ones stay unresolved,
 * for the plan to refuse: nothing is stored unmarked, §6).
 */
export async function resolveMarkings(
  ctx: NodeContext,
  all: readonly StixObject[],
): Promise<ResolvedMarkings> {
  const posted = new Map<string, KnownMarking>();
  const failures: CodedFailure[] = [];
  for (const o of all) {
    if (o.type !== 'marking-definition') continue;
    try {
      posted.set(o.id, broughtMarking(ctx.registry, o));
    } catch (e) {
      if (!(e instanceof ReltoError)) throw e;
      failures.push({ code: e.code, id: o.id, message: e.message });
    }
  }
  const referenced = new Set<string>();
  for (const o of all) {
    if (o.type === 'marking-definition') continue;
    for (const r of (o.object_marking_refs as string[] | undefined) ?? []) referenced.add(r);
    for (const g of (o.granular_markings as { marking_ref?: string }[] | undefined) ?? []) {
      if (g.marking_ref) referenced.add(g.marking_ref);
    }
  }
  for (const k of posted.values()) if (k.alternative) referenced.add(k.alternative.alternativeOf);
  await ctx.book.load([...referenced].filter((id) => !posted.has(id)));
  const resolve = (id: string): KnownMarking | undefined => posted.get(id) ?? ctx.book.get(id);
  for (const k of posted.values()) {
    if (k.alternative && !resolve(k.alternative.alternativeOf)?.label) {
      failures.push({
        code: 'INVALID_LABEL',
        id: k.id,
        message: `alternative of ${k.alternative.alternativeOf}, a label not held`,
      });
    }
  }
  return { posted, resolve, failures };
}
