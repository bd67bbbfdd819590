import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../audit/index.js';
import { type ErrorCode, ReltoError } from '../errors/index.js';
import { type Label, validateLabel } from '../label/index.js';
import {
  isAlternativeMarking,
  isFixedObject,
  isReltoMarking,
  labelToMarking,
  parseSelector,
  textScopes,
} from '../stix/index.js';
import type { MarkingDefinitionInput, ObjectInput, PutResult, StixObject } from '../store/index.js';
import { deciderFor, type NodeContext, nowIso } from './context.js';
import { type KnownMarking, knownMarking } from './labels.js';
import { foreignOriginatorFailures } from './originator.js';
import type { Person, PostStatus } from './service.js';

type Failure = { id: string; version?: string; message: string };

/** What a refused post throws: the first problem's code, every failure in `details.status` (TAXII status). */
function refuse(code: ErrorCode, failures: Failure[], total: number, requestTimestamp: string): never {
  const status: PostStatus = {
    id: randomUUID(),
    status: 'complete',
    request_timestamp: requestTimestamp,
    total_count: total,
    success_count: 0,
    successes: [],
    failure_count: failures.length,
    failures,
    pending_count: 0,
    pendings: [],
  };
  const first = failures[0]!;
  throw new ReltoError(
    code,
    `nothing was stored: ${first.id}: ${first.message}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`,
    '',
    { status },
  );
}

/** Which definition_types relto keeps beside its labels (never used for access). */
const KEPT_DEFINITION_TYPES = new Set(['tlp', 'statement']);

function idOf(o: unknown, i: number): string {
  const id = (o as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : `/objects/${i}`;
}

function valueAtPath(object: unknown, path: (string | number)[]): unknown {
  let cur: unknown = object;
  for (const t of path) {
    if (typeof t === 'number') {
      if (!Array.isArray(cur) || t >= cur.length) return undefined;
      cur = cur[t];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, t))
        return undefined;
      cur = (cur as Record<string, unknown>)[t];
    }
  }
  return cur;
}

/**
 * Posts objects as `person`, all or nothing (architecture, "the path of an item"): OASIS validation → labels
 * resolved (posted or held; unknown markings refused, never stored unmarked, §6) → only this node's own
 * objects and labels (a partner's enter through the exchange, R25) → decide(read) on every label
 * used, for the poster (one may create only what one may read oneself) → one transaction storing the
 * marking-definitions, the encrypted objects with their floor columns and search rows, and the audit entries.
 */
export async function postObjects(ctx: NodeContext, person: Person, objects: unknown[]): Promise<PostStatus> {
  const requestTimestamp = nowIso(ctx);
  if (!Array.isArray(objects)) {
    throw new ReltoError('MALFORMED_REQUEST', 'an envelope carries a list of objects', '/objects');
  }
  const total = objects.length;

  // 1. Every object against the OASIS schemas (contracts §6: nothing unvalidated is stored).
  const failures: Failure[] = [];
  for (let i = 0; i < objects.length; i++) {
    const issues = ctx.validator.validateObject(objects[i], `/objects/${i}`);
    if (issues.length > 0) {
      failures.push({
        id: idOf(objects[i], i),
        message: issues.map((x) => `${x.pointer} ${x.message}`).join('; '),
      });
    }
  }
  if (failures.length > 0) refuse('INVALID_STIX', failures, total, requestTimestamp);
  const all = objects as StixObject[];

  // 2. The marking-definitions of the post: relto labels checked against their ids, alternatives, TLP and
  //    statements kept; anything else is a marking relto does not understand.
  const posted = new Map<string, KnownMarking>();
  let failCode: ErrorCode = 'INVALID_LABEL';
  const fail = (code: ErrorCode, f: Failure) => {
    if (failures.length === 0) failCode = code;
    failures.push(f);
  };
  for (const o of all) {
    if (o.type !== 'marking-definition') continue;
    try {
      let k: KnownMarking;
      if (isReltoMarking(o)) {
        k = knownMarking(o, isAlternativeMarking(o) ? 'alternative' : 'relto-label');
        if (k.label) {
          const problems = validateLabel(ctx.registry, k.label);
          if (problems.length > 0) {
            throw new ReltoError('INVALID_LABEL', `${problems[0]!.path}: ${problems[0]!.message}`);
          }
        }
      } else if (
        typeof o.definition_type === 'string' &&
        KEPT_DEFINITION_TYPES.has(o.definition_type) &&
        o.extensions === undefined
      ) {
        k = { id: o.id, kind: o.definition_type, definition: o };
      } else {
        throw new ReltoError(
          'INVALID_LABEL',
          'a marking-definition relto does not understand (neither a relto label, a receiver-equivalent label, a statement nor TLP)',
        );
      }
      posted.set(o.id, k);
    } catch (e) {
      if (!(e instanceof ReltoError)) throw e;
      fail(e.code, { id: o.id, message: e.message });
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
      fail('INVALID_LABEL', {
        id: k.id,
        message: `alternative of ${k.alternative.alternativeOf}, a label not held`,
      });
    }
  }

  // 3. Every other object: exactly one relto label in object_marking_refs (the floor), every marking resolved,
  //    every granular selector pointing at something.
  type Plan = { object: StixObject; floor: string; labels: Set<string> };
  const plans: Plan[] = [];
  const usedBy = new Map<string, string[]>();
  for (const o of all) {
    if (o.type === 'marking-definition') continue;
    if (isFixedObject(o) && ctx.fixedIds.has(o.id)) continue; // already held, public (§6)
    const refs = (o.object_marking_refs as string[] | undefined) ?? [];
    const problems: string[] = [];
    const floors: string[] = [];
    for (const r of refs) {
      const k = resolve(r);
      if (!k) problems.push(`unknown marking ${r}`);
      else if (k.alternative)
        problems.push(`${r} is an alternative label: it is served beside objects, not on them`);
      else if (k.label) floors.push(r);
    }
    if (floors.length !== 1) {
      problems.push(
        floors.length === 0
          ? 'no relto label in object_marking_refs (an object is never stored unmarked)'
          : 'more than one relto label in object_marking_refs (exactly one floor label)',
      );
    }
    const labels = new Set(floors);
    for (const g of (o.granular_markings as { marking_ref?: string; selectors: string[] }[] | undefined) ??
      []) {
      if (g.marking_ref !== undefined) {
        const k = resolve(g.marking_ref);
        if (!k) problems.push(`unknown granular marking ${g.marking_ref}`);
        else if (k.alternative) problems.push(`${g.marking_ref} is an alternative label`);
        else if (k.label) labels.add(g.marking_ref);
      }
      for (const s of g.selectors) {
        if (valueAtPath(o, parseSelector(s)) === undefined) problems.push(`selector ${s} selects nothing`);
      }
    }
    if (problems.length > 0) {
      fail('INVALID_LABEL', { id: o.id, message: problems.join('; ') });
      continue;
    }
    plans.push({ object: o, floor: floors[0]!, labels });
    for (const l of labels) {
      const list = usedBy.get(l) ?? [];
      list.push(o.id);
      usedBy.set(l, list);
    }
  }
  // Posted labels nobody uses are still labels the poster is creating.
  for (const k of posted.values()) if (k.label && !usedBy.has(k.id)) usedBy.set(k.id, [k.id]);
  if (failures.length > 0) refuse(failCode, failures, total, requestTimestamp);

  // A refused post is audited once, naming what was refused and why (R29).
  const auditRefusal = (subjects: string[], reasons: string[]) =>
    ctx.audit.record({
      kind: 'refusal',
      at: requestTimestamp,
      actor: person.name,
      action: 'post',
      decision: 'deny',
      subjects,
      reasons,
      details: { objects: total },
    });

  // 4. Only this node's own party's objects, versions and labels are posted here; a partner's enter through
  //    the exchange, with the originator's signature (R25). An attempt is audited.
  const foreign = await foreignOriginatorFailures(ctx, all, posted, plans, resolve);
  if (foreign.length > 0) {
    auditRefusal(
      foreign.map((f) => f.id),
      ['FOREIGN_ORIGINATOR'],
    );
    refuse('FOREIGN_ORIGINATOR', foreign, total, requestTimestamp);
  }

  // 5. The poster may create only what they may read themselves: decide(read) on every label used.
  const book = {
    label: (id: string) => resolve(id)?.label,
  };
  // The decider reads labels from the node's book: make the posted ones known to it for this decision only.
  const decider = deciderFor(ctx, person);
  const denied: Failure[] = [];
  for (const [labelId, ids] of usedBy) {
    const label = book.label(labelId)!;
    const answer = decider.answerFor(labelId, label, 'read');
    if (answer.decision !== 'permit') {
      const codes = answer.reasons.map((r) => `${r.code} (${r.rule})`).join(', ');
      for (const id of ids.slice(0, 100)) {
        denied.push({
          id,
          message: `you may not create what you may not read yourself: ${labelId}: ${codes}`,
        });
      }
    } else {
      for (const id of ids) decider.note(labelId, 'read', id);
    }
  }
  if (denied.length > 0) {
    auditRefusal(
      [...usedBy.keys()],
      [...new Set(decider.auditEntries('post').flatMap((e) => e.reasons ?? []))],
    );
    for (const e of decider.auditEntries('post')) ctx.audit.record(e);
    refuse('FORBIDDEN', denied, total, requestTimestamp);
  }

  // 6. What the store needs: floor columns from the floor label, search rows per marking scope.
  const isRelto = (id: string) => resolve(id)?.label !== undefined;
  const inputs: ObjectInput[] = plans.map(({ object, floor }) => {
    const label = resolve(floor)!.label as Label;
    const scheme = ctx.registry.parties.get(label.originator)!;
    const designations = label.restrictive?.Designation ?? [];
    return {
      object,
      floor,
      originator: label.originator,
      levelRank: scheme.levels.get(label.classification)?.rank ?? null,
      tier: ctx.registry.tierOf(label.originator, label.classification, designations) ?? null,
      topics: label.topics ?? [],
      // A hit on a scope's text counts only for a reader of its most specific label (the floor, or the
      // granular label over it); the serving side re-checks scopes under more than one granular label.
      index: textScopes(object, isRelto).map((s) => ({
        markingId: s.markingIds[s.markingIds.length - 1]!,
        text: s.text,
      })),
    };
  });
  const newDefs: MarkingDefinitionInput[] = [...posted.values()].map((k) => ({
    definition: k.definition,
    kind: k.kind,
    alternativeOf: k.alternative?.alternativeOf ?? null,
  }));

  // 7. One transaction: markings, objects, search rows, the TAXII status and the audit entries.
  const statusId = randomUUID();
  const status = await ctx.audit.appendWithin(async (tx) => {
    await tx.putMarkingDefinitions(newDefs);
    const results: PutResult[] = await tx.putObjects(inputs);
    const gone = results.filter((r) => r.status === 'destroyed');
    if (gone.length > 0) {
      throw new ReltoError(
        'CONFLICT',
        `${gone[0]!.id} was destroyed here and cannot be posted again: a destroyed item stays destroyed`,
        '',
        {
          ids: gone.map((g) => g.id),
        },
      );
    }
    const successes: PostStatus['successes'] = [];
    for (const k of posted.values())
      successes.push({ id: k.id, version: String(k.definition.created ?? '') });
    for (const r of results) {
      successes.push(
        r.status === 'duplicate'
          ? { id: r.id, version: r.version, message: 'already held' }
          : { id: r.id, version: r.version },
      );
    }
    const fixed = total - posted.size - plans.length;
    const s: PostStatus = {
      id: statusId,
      status: 'complete',
      request_timestamp: requestTimestamp,
      total_count: total,
      success_count: successes.length + fixed,
      successes,
      failure_count: 0,
      failures: [],
      pending_count: 0,
      pendings: [],
    };
    await tx.setMeta(`taxii-status:${statusId}`, JSON.stringify({ poster: person.name, status: s }));
    const entries: AuditEntryInput[] = [
      ...decider.auditEntries('post'),
      {
        kind: 'decision',
        at: requestTimestamp,
        actor: person.name,
        action: 'post',
        decision: 'permit',
        subjects: results.filter((r) => r.status === 'added').map((r) => r.id),
        details: { status: statusId, objects: total, labels: [...usedBy.keys()] },
      },
    ];
    return { result: s, entries };
  });
  for (const k of posted.values()) ctx.book.add(k);
  return status;
}

/**
 * Labels a bundle's objects for tests, benchmarks and the demo: adds the label's marking-definition and puts
 * it in every other object's object_marking_refs as the floor, beside any TLP or statement marking the object
 * came with (ATT&CK's copyright statement stays).
 */
export function labelBundle(objects: readonly StixObject[], label: Label): StixObject[] {
  const md = labelToMarking(label) as unknown as StixObject;
  const out: StixObject[] = [md];
  for (const o of objects) {
    if (o.type === 'marking-definition') {
      if (o.id !== md.id) out.push(o);
      continue;
    }
    const refs = ((o.object_marking_refs as string[] | undefined) ?? []).filter((r) => r !== md.id);
    out.push({ ...o, object_marking_refs: [md.id, ...refs] });
  }
  return out;
}
