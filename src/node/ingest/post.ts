import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../../audit/index.js';
import { type ErrorCode, ReltoError } from '../../errors/index.js';
import type { Label } from '../../label/index.js';
import type { PutResult, StixObject } from '../../store/index.js';
import { deciderFor, type NodeContext, nowIso } from '../context.js';
import type { Person, PostFailure, PostRefusal, PostResult } from '../service.js';
import { type CodedFailure, resolveMarkings } from './markings.js';
import { foreignOriginatorFailures } from './originator.js';
import { planObjects } from './plan.js';
import { markingInput, storeAdmission } from './store.js';

/** What a refused post throws: the first problem's code, every object at fault in its details. */
function refuse(code: ErrorCode, failures: PostFailure[], total: number, at: string): never {
  const first = failures[0]!;
  const details: PostRefusal = { at, total, failures };
  throw new ReltoError(
    code,
    `nothing was stored: ${first.id}: ${first.message}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`,
    '',
    details,
  );
}

/** Refuses with the code of the first failure, when there is one. */
function refuseAny(failures: readonly CodedFailure[], total: number, at: string): void {
  if (failures.length > 0) {
    refuse(
      failures[0]!.code,
      failures.map(({ id, message }) => ({ id, message })),
      total,
      at,
    );
  }
}

function idOf(o: unknown, i: number): string {
  const id = (o as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : `/objects/${i}`;
}

/** The meta key a post's result is kept under, for its poster to read again. */
export function postKey(postId: string): string {
  return `taxii-status:${postId}`;
}

/**
 * Posts objects as `person`, all or nothing (architecture, "the path of an item"): OASIS validation → labels
 * resolved (posted or held; unknown markings refused, never stored unmarked, §6) → only this node's own
 * objects and labels (a partner's enter through the exchange, R25) → decide(read) on every label
 * used, for the poster (one may create only what one may read oneself) → one transaction storing the
 * marking-definitions, the encrypted objects with their floor columns and search rows, and the audit entries.
 */
export async function postObjects(ctx: NodeContext, person: Person, objects: unknown[]): Promise<PostResult> {
  const at = nowIso(ctx);
  if (!Array.isArray(objects)) {
    throw new ReltoError('MALFORMED_REQUEST', 'an envelope carries a list of objects', '/objects');
  }
  const total = objects.length;

  // 1. Every object against the OASIS schemas (contracts §6: nothing unvalidated is stored).
  const invalid: PostFailure[] = [];
  for (let i = 0; i < objects.length; i++) {
    const issues = ctx.validator.validateObject(objects[i], `/objects/${i}`);
    if (issues.length > 0) {
      invalid.push({
        id: idOf(objects[i], i),
        message: issues.map((x) => `${x.pointer} ${x.message}`).join('; '),
      });
    }
  }
  if (invalid.length > 0) refuse('INVALID_STIX', invalid, total, at);
  const all = objects as StixObject[];

  // 2. The labels: the marking-definitions posted, and every marking the objects name.
  const { posted, resolve, failures } = await resolveMarkings(ctx, all);
  // 3. Every other object: exactly one floor label, every marking resolved, every selector selecting.
  const planned = planObjects(all, posted, resolve, ctx.fixedIds);
  const { plans, usedBy } = planned;
  refuseAny([...failures, ...planned.failures], total, at);

  // A refused post is audited once, naming what was refused and why (R29).
  const auditRefusal = (subjects: string[], reasons: string[]) =>
    ctx.audit.record({
      kind: 'refusal',
      at,
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
    refuse('FOREIGN_ORIGINATOR', foreign, total, at);
  }

  // 5. The poster may create only what they may read themselves: decide(read) on every label used (the
  //    posted ones are given with their ids: they reach the node's book only once stored).
  const decider = deciderFor(ctx, person);
  const denied: PostFailure[] = [];
  for (const [labelId, ids] of usedBy) {
    const label = resolve(labelId)!.label as Label;
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
    refuse('FORBIDDEN', denied, total, at);
  }

  // 6. One transaction: markings, objects with their label columns and search rows, the result and the
  //    audit entries.
  const postId = randomUUID();
  const result = await ctx.audit.appendWithin(async (tx) => {
    const results: PutResult[] = await storeAdmission(tx, ctx.registry, {
      markings: [...posted.values()].map(markingInput),
      objects: plans.map(({ object, floor }) => ({ object, floor, label: resolve(floor)!.label as Label })),
      isReltoLabel: (id) => resolve(id)?.label !== undefined,
    });
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
    const stored: PostResult['objects'] = [];
    for (const k of posted.values()) {
      stored.push({ id: k.id, version: String(k.definition.created ?? ''), outcome: 'stored' });
    }
    for (const r of results) {
      stored.push({
        id: r.id,
        version: r.version,
        outcome: r.status === 'duplicate' ? 'duplicate' : 'stored',
      });
    }
    const done: PostResult = { id: postId, at, total, objects: stored };
    await tx.setMeta(postKey(postId), JSON.stringify({ poster: person.name, result: done }));
    const entries: AuditEntryInput[] = [
      ...decider.auditEntries('post'),
      {
        kind: 'decision',
        at,
        actor: person.name,
        action: 'post',
        decision: 'permit',
        subjects: results.filter((r) => r.status === 'added').map((r) => r.id),
        details: { status: postId, objects: total, labels: [...usedBy.keys()] },
      },
    ];
    return { result: done, entries };
  });
  for (const k of posted.values()) ctx.book.add(k);
  return result;
}

/** A post's result as kept before the edges built TAXII's status themselves (read for its ids and counts). */
interface KeptStatus {
  id: string;
  request_timestamp: string;
  total_count: number;
  successes: { id: string; version?: string; message?: string }[];
}

/** An earlier post's result and who posted it, or null. */
export async function readPost(
  ctx: NodeContext,
  postId: string,
): Promise<{ poster: string; result: PostResult } | null> {
  const text = await ctx.store.getMeta(postKey(postId));
  if (!text) return null;
  const kept = JSON.parse(text) as { poster: string; result?: PostResult; status?: KeptStatus };
  if (kept.result) return { poster: kept.poster, result: kept.result };
  const s = kept.status!;
  return {
    poster: kept.poster,
    result: {
      id: s.id,
      at: s.request_timestamp,
      total: s.total_count,
      objects: s.successes.map((o) => ({
        id: o.id,
        ...(o.version !== undefined ? { version: o.version } : {}),
        outcome: o.message === 'already held' ? 'duplicate' : 'stored',
      })),
    },
  };
}
