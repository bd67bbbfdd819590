import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../../audit/index.js';
import { codeMeaning, ReltoError } from '../../errors/index.js';
import type { Receipt } from '../../exchange/index.js';
import { allowsReleasesAt, type CompiledRegistry } from '../../registry/index.js';
import type { Store } from '../../store/index.js';
import { deciderFor, type NodeContext, nowIso } from '../context.js';
import type { Person } from '../service.js';
import {
  getRow,
  putRow,
  type ReleaseRefusal,
  type ReleaseRequestBody,
  ROWS,
  type RowInput,
  updateRow,
} from './rows.js';

/**
 * A release request's life (contracts §5, §9), the stage beside the exchange's approval: what is checked when a
 * request is filed, the releasing officer's refusal, and the state that follows the partner's answer.
 *
 *   filed ─ approve ─→ pending (on its way) ─ receipt ─→ delivered
 *     │        └─ the rules deny ─→ denied          └─ refused by the partner (its reason; an alarm)
 *     └─ refuse ─→ refused (by a releasing officer, with a note)
 *
 * A request is decided once: approving or refusing a decided one is ALREADY_DECIDED.
 */

export type { ReleaseRefusal, ReleaseRequestBody, ReleaseStatus } from './rows.js';

/**
 * A release request as filed (contracts §5 `relto client release ID --to PARTY [--under AGREEMENT]`): the
 * recipient is a party of the registry and not this node's own, a named agreement exists and binds both
 * parties (R14), and when no bilateral agreement allows the release now, the relay this node is the hub of
 * must be named (R24). Each refusal names the id at fault.
 */
export function checkReleaseFiling(
  reg: CompiledRegistry,
  holder: string,
  body: { to: string; under?: string },
  atMs: number,
): void {
  if (!reg.partyCodes.has(body.to)) {
    throw new ReltoError('UNKNOWN_PARTY', `no party ${body.to} in the registry`, '/to');
  }
  if (body.to === holder) {
    throw new ReltoError(
      'MALFORMED_REQUEST',
      `${holder} is this node's own party: release to another`,
      '/to',
    );
  }
  if (body.under !== undefined) {
    const named = reg.agreements.get(body.under);
    if (!named)
      throw new ReltoError('UNKNOWN_AGREEMENT', `no agreement ${body.under} in the registry`, '/under');
    if (!named.parties.has(holder) || !named.parties.has(body.to)) {
      throw new ReltoError(
        'MALFORMED_REQUEST',
        `${body.under} is not an agreement between ${holder} and ${body.to}`,
        '/under',
      );
    }
    return;
  }
  const bilateral = reg.bilateral(holder, body.to);
  if (bilateral && allowsReleasesAt(bilateral, atMs)) return;
  const relays = reg.relays.filter(
    (r) => r.hub === holder && r.parties.has(body.to) && allowsReleasesAt(r, atMs),
  );
  if (relays.length === 0) return; // the decision at approval says why nothing allows it
  const why = bilateral
    ? `${bilateral.id} does not allow new releases now`
    : `no bilateral agreement between ${holder} and ${body.to}`;
  throw new ReltoError(
    'UNDER_REQUIRED',
    `${why}: name the agreement to release under (${relays.map((r) => r.id).join(', ')})`,
    '/under',
  );
}

const consentActions = new Set(['copy', 'translate', 'print', 'export']);

/**
 * A consent request as filed (contracts §5 `relto client request-consent ID --to PARTY | --purpose TEXT |
 * --actions A,B`): exactly one scope; a recipient is a party of the registry other than this node (R15); the
 * actions are among those consent covers (R16).
 */
export function checkConsentFiling(
  reg: CompiledRegistry,
  holder: string,
  body: { to?: string; purpose?: string; actions?: string[] },
): void {
  const given = [body.to, body.purpose, body.actions].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new ReltoError('MALFORMED_REQUEST', 'ask for exactly one of: to, purpose, actions', '');
  }
  if (body.to !== undefined) {
    if (!reg.partyCodes.has(body.to)) {
      throw new ReltoError('UNKNOWN_PARTY', `no party ${body.to} in the registry`, '/to');
    }
    if (body.to === holder) {
      throw new ReltoError(
        'MALFORMED_REQUEST',
        `${holder} already holds the item: consent names another party`,
        '/to',
      );
    }
  }
  if (body.purpose !== undefined && body.purpose.trim() === '') {
    throw new ReltoError('MALFORMED_REQUEST', 'the purpose is empty', '/purpose');
  }
  if (body.actions !== undefined) {
    const bad = body.actions.findIndex((a) => !consentActions.has(a));
    if (body.actions.length === 0 || bad >= 0) {
      throw new ReltoError(
        'MALFORMED_REQUEST',
        `consent covers the actions copy, translate, print and export${bad >= 0 ? `, not ${body.actions[bad]}` : ''}`,
        bad >= 0 ? `/actions/${bad}` : '/actions',
      );
    }
  }
}

/** NOT_A_PARTNER: this node holds no keys of the party (`relto partner add`). */
export function notAPartner(party: string, path = ''): ReltoError {
  return new ReltoError('NOT_A_PARTNER', `${party} is not a partner of this node (relto partner add)`, path);
}

/** True when the request still waits for a releasing officer. */
function undecided(request: ReleaseRequestBody): boolean {
  return request.status === 'pending' && !request.approvedBy;
}

/** ALREADY_DECIDED unless the request waits for a releasing officer (a request is decided once). */
export function assertUndecided(request: ReleaseRequestBody): void {
  if (undecided(request)) return;
  const how =
    request.status === 'refused'
      ? `refused by ${request.refusal?.by ?? 'a releasing officer'}`
      : request.status === 'denied'
        ? 'denied by the rules'
        : `approved by ${request.approvedBy ?? 'a releasing officer'}`;
  throw new ReltoError('ALREADY_DECIDED', `release request ${request.id} was already ${how}`, '', {
    status: request.status,
  });
}

/** The same check inside the transaction that decides (a concurrent decision committed first wins). */
export async function assertUndecidedIn(tx: Store, requestId: string): Promise<void> {
  const row = await getRow(tx, ROWS.releaseRequest, requestId);
  if (row) assertUndecided(row.body);
}

/** The row that ties a queued release message to its request (written in the approval's transaction). */
export function releaseMessageRow(requestId: string, messageId: string): RowInput<'release-message'> {
  return {
    kind: ROWS.releaseMessage,
    key: messageId,
    ref: requestId,
    status: 'held',
    body: { request: requestId },
  };
}

/**
 * The audit entry of a step in a request's life (filed, refused by an officer, queued): the request and its
 * items (the first thousand) as subjects, the destination and agreement in the details.
 */
export function releaseEntry(
  step: { at: string; actor: string; action: string; deny?: boolean },
  request: Pick<ReleaseRequestBody, 'id' | 'to' | 'under'>,
  items: readonly string[],
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    kind: 'release',
    at: step.at,
    actor: step.actor,
    action: step.action,
    ...(step.deny ? { decision: 'deny' as const } : {}),
    subjects: [request.id, ...items.slice(0, 1000)],
    details: { to: request.to, under: request.under ?? null, ...details },
  };
}

/**
 * Only a releasing officer decides a release request (R18): anyone else is refused before anything is decided,
 * so a mistaken call never settles the request.
 */
export function assertReleasingOfficer(ctx: NodeContext, me: Person, verb: 'approves' | 'refuses'): void {
  deciderFor(ctx, me).require(verb === 'approves' ? 'approve-release' : 'refuse-release');
}

/**
 * A releasing officer refuses a release request, with an optional note (contracts §5 `relto client refuse`).
 * Refusing is the releasing officer's (R18), like approving; the officer who filed a request may withdraw it
 * (four eyes, R34, bars only approving one's own). Audited; the request then shows who refused and why.
 */
export async function refuseRelease(
  ctx: NodeContext,
  me: Person,
  requestId: string,
  note?: string,
): Promise<ReleaseRequestBody> {
  assertReleasingOfficer(ctx, me, 'refuses');
  const row = await getRow(ctx.store, ROWS.releaseRequest, requestId);
  if (!row) throw new ReltoError('NOT_FOUND', `no release request ${requestId}`);
  const request = row.body;
  assertUndecided(request);
  const at = nowIso(ctx);
  const refused: ReleaseRequestBody = {
    ...request,
    status: 'refused',
    refusal: { by: me.name, party: ctx.party, at, ...(note ? { note } : {}) },
  };
  await ctx.audit.appendWithin(async (tx) => {
    await assertUndecidedIn(tx, requestId);
    await updateRow(tx, ROWS.releaseRequest, requestId, { status: 'refused', body: refused });
    const step = { at, actor: me.name, action: 'refuse', deny: true };
    return {
      result: undefined,
      entries: [releaseEntry(step, request, request.items ?? [request.item], { note: note ?? null })],
    };
  });
  return refused;
}

/** How the partner answered a release message, for good. */
export interface ReleaseAnswer {
  message: string;
  partner: string;
  at: string;
  /** Its signed receipt (some items may be refused in it). */
  receipt?: Receipt;
  /** The whole message refused: the partner's error code and message. */
  refusal?: { code: string; message?: string };
}

/**
 * Inside the transaction that settles a release message: its request becomes delivered, or refused with the
 * partner's reason — and a refusal raises an alarm for the security officers, as a rewritten audit log does
 * (R29). Returns the audit entries to append.
 */
export async function releaseSettled(tx: Store, answer: ReleaseAnswer): Promise<AuditEntryInput[]> {
  const link = await getRow(tx, ROWS.releaseMessage, answer.message);
  const requestId = link?.body.request;
  const row = requestId ? await getRow(tx, ROWS.releaseRequest, requestId) : null;
  if (!requestId || !row) return [];
  const request = row.body;
  const refusedItems = (answer.receipt?.items ?? [])
    .filter((i) => i.status === 'refused')
    .map((i) => ({ id: i.id, code: i.code ?? 'REFUSED' }));
  if (!answer.refusal && refusedItems.length === 0) {
    const delivered: ReleaseRequestBody = {
      ...request,
      status: 'delivered',
      deliveredAt: answer.receipt?.at ?? answer.at,
    };
    await updateRow(tx, ROWS.releaseRequest, requestId, { status: 'delivered', body: delivered });
    return [];
  }
  const codes = answer.refusal ? [answer.refusal.code] : [...new Set(refusedItems.map((i) => i.code))];
  const reason = answer.refusal?.message ?? codes.map(codeMeaning).join('; ');
  const refusal: ReleaseRefusal = {
    by: `node:${answer.partner}`,
    party: answer.partner,
    at: answer.receipt?.at ?? answer.at,
    code: codes[0]!,
    reason,
    ...(refusedItems.length > 0 ? { items: refusedItems.slice(0, 1000) } : {}),
  };
  await updateRow(tx, ROWS.releaseRequest, requestId, {
    status: 'refused',
    body: { ...request, status: 'refused', refusal },
  });
  await putRow(tx, {
    kind: ROWS.alarm,
    key: randomUUID(),
    partner: answer.partner,
    status: 'raised',
    body: {
      alarm: 'RELEASE_REFUSED',
      message: `${answer.partner} refused release request ${requestId} (${codes.join(', ')}): ${reason}`,
      party: answer.partner,
      at: answer.at,
      release: requestId,
      items: refusedItems.length || (request.items?.length ?? 1),
    },
  });
  return [
    {
      kind: 'release',
      at: answer.at,
      actor: `node:${answer.partner}`,
      action: 'refused',
      decision: 'deny',
      reasons: codes,
      subjects: [requestId, ...refusedItems.map((i) => i.id).slice(0, 1000)],
      details: { message: answer.message, reason, alarm: true },
    },
  ];
}
