import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../../audit/index.js';
import type { CanonicalForms } from '../../canon/index.js';
import { ReltoError } from '../../errors/index.js';
import type { Message } from '../../exchange/index.js';
import type { Label } from '../../label/index.js';
import type { Answer } from '../../policy/index.js';
import { deciderFor, nowIso } from '../context.js';
import { Decider } from '../decider.js';
import type { Person } from '../service.js';
import { heldItems, labelWithConsents } from './held.js';
import { yieldToIo } from './messages.js';
import { portionLabels, releasableView } from './portions.js';
import { type ReleasedItem, releaseItems } from './relay.js';
import {
  assertReleasingOfficer,
  assertUndecided,
  assertUndecidedIn,
  checkReleaseFiling,
  notAPartner,
  type ReleaseRequestBody,
  refuseRelease,
  releaseEntry,
  releaseMessageRow,
} from './release-state.js';
import { getRow, listRows, ROWS, updateRow } from './rows.js';
import { Stage } from './stage.js';

/**
 * Releases (contracts §5, §9): release requests and their four-eyes approval (R34) → decide(release) through
 * the person's Decider (R14–R18) → the message sealed and queued in the outbox in the same transaction as the
 * audit entries. Its life after that (delivered, refused by the partner) is release-state.ts's.
 */
export class Releases extends Stage {
  /**
   * Files a release request (contracts §5 `relto client release`): one item, or several (`items`, the API's
   * batch form: one decision per item, one message, one originator signature per batch).
   */
  async file(
    actor: Person,
    body: { item?: string; items?: string[]; to: string; under?: string; note?: string },
  ): Promise<ReleaseRequestBody> {
    const me = await this.ctx.people.require(actor);
    const wanted = body.items?.length ? body.items : body.item ? [body.item] : [];
    if (wanted.length === 0) throw new ReltoError('MALFORMED_REQUEST', 'name the item to release', '/item');
    // Checked when filed, each refusal naming the id at fault (R14, R24).
    checkReleaseFiling(this.ctx.registry, this.party, body, this.ctx.clock());
    if (!(await this.partners.get(body.to))) throw notAPartner(body.to, '/to');
    const ids: string[] = [];
    // Filing decides on labels only: the content is read (and signed) at approval.
    const heldRows = await heldItems(this.ctx, wanted, false);
    await yieldToIo();
    // One decider for the request: items of one label (and the same held consents) share its answer.
    const decider = deciderFor(this.ctx, me);
    for (const { stored, labelId } of heldRows) {
      // One may ask to release only what one may read.
      const read = decider.answer(labelId, 'read', stored.id);
      if (read?.decision !== 'permit') throw new ReltoError('NOT_FOUND', `no item ${stored.id}`);
      ids.push(stored.id);
    }
    const at = nowIso(this.ctx);
    const request: ReleaseRequestBody = {
      id: `release-request--${randomUUID()}`,
      item: ids[0]!,
      ...(ids.length > 1 ? { items: ids } : {}),
      to: body.to,
      ...(body.under ? { under: body.under } : {}),
      ...(body.note ? { note: body.note } : {}),
      by: me.name,
      at,
      status: 'pending',
    };
    const step = { at, actor: me.name, action: 'request' };
    await this.fileRequest(
      {
        kind: ROWS.releaseRequest,
        key: request.id,
        ref: request.item,
        partner: request.to,
        status: 'pending',
        body: request,
      },
      releaseEntry(step, request, ids, { items: ids.length }),
    );
    return request;
  }

  /** Every request for those who decide or oversee them (R34, R35); anyone else sees the ones they filed. */
  async list(actor: Person): Promise<ReleaseRequestBody[]> {
    const me = await this.ctx.people.require(actor);
    const all = (await listRows(this.ctx.store, { kind: ROWS.releaseRequest })).map((r) => r.body);
    return deciderFor(this.ctx, me).may('read-all-releases') ? all : all.filter((r) => r.by === me.name);
  }

  /** A releasing officer refuses a release request, with a note (see release-state.ts). */
  async refuse(actor: Person, requestId: string, note?: string): Promise<ReleaseRequestBody> {
    return refuseRelease(this.ctx, await this.ctx.people.require(actor), requestId, note);
  }

  /**
   * A releasing officer who did not file it approves (R34); decide(release) on each item's label with its
   * consents (R14–R18); only when every item is permitted is the outgoing message queued, in the same
   * transaction as the audit entries (the transactional outbox). A deny releases nothing.
   */
  async approve(actor: Person, requestId: string): Promise<ReleaseRequestBody> {
    const me = await this.ctx.people.require(actor);
    const row = await getRow(this.ctx.store, ROWS.releaseRequest, requestId);
    if (!row) throw new ReltoError('NOT_FOUND', `no release request ${requestId}`);
    const request = row.body;
    assertReleasingOfficer(this.ctx, me, 'approves');
    assertUndecided(request);
    // R34: four eyes.
    if (request.by === me.name) {
      throw new ReltoError(
        'FOUR_EYES',
        `${me.name} filed ${requestId} and may not approve it: another releasing officer must`,
      );
    }
    const at = nowIso(this.ctx);
    const decisionId = `decision--${randomUUID()}`;
    const decider = new Decider(me, this.ctx.registry, this.ctx.book, this.party, at);
    const target = { to: request.to, ...(request.under ? { under: request.under } : {}) };
    const held: (ReleasedItem & { answer: Answer })[] = [];
    // One audit entry per distinct (label, consents, answer): subjects list the items it covered.
    const entries = new Map<string, AuditEntryInput>();
    const decide = (labelId: string, label: Label, itemId: string): Answer => {
      const answer = decider.release(labelId, label, target);
      const key = `${labelId}|${label.consents?.length ?? 0}|${answer.decision}|${answer.reasons.map((r) => r.code).join(',')}`;
      const e = entries.get(key);
      if (e) {
        if (e.subjects!.length < 1000) e.subjects!.push(itemId);
      } else {
        entries.set(key, {
          kind: 'decision',
          at,
          actor: me.name,
          action: 'release',
          decision: answer.decision,
          subjects: [requestId, itemId],
          ...(answer.decision === 'deny' ? { reasons: answer.reasons.map((r) => r.code) } : {}),
          details: { decision: decisionId, to: request.to, under: request.under ?? null, label: labelId },
        });
      }
      return answer;
    };
    const heldRows = await heldItems(this.ctx, request.items ?? [request.item]);
    // Reading and decrypting a batch's items is milliseconds of synchronous work: a receipt waiting meanwhile
    // is handled, and the next message sent, before the decisions (see below).
    await yieldToIo();
    for (const h of heldRows) {
      const id = h.stored.id;
      let answer = decide(h.labelId, await labelWithConsents(this.ctx, id, h.label), id);
      const item: ReleasedItem & { answer: Answer } = { ...h, answer };
      // R7: every portion's label is decided too, with the item's consents.
      const portions =
        answer.decision === 'permit' ? await portionLabels(this.ctx.book, h.stored.object!, h.labelId) : [];
      if (portions.length > 0) {
        const answers = new Map<string, Answer>([[h.labelId, answer]]);
        for (const p of portions)
          answers.set(p.id, decide(p.id, await labelWithConsents(this.ctx, id, p.label), id));
        const refused = [...answers.values()].find((a) => a.decision !== 'permit');
        if (h.label.originator === this.party) {
          // The originator withholds what the partner may not have before signing: it never leaves the node.
          const view = releasableView(this.ctx.book, h.stored.object!, answers);
          if (view === null) answer = refused!;
          else item.send = view;
        } else if (refused) {
          // A relay passes the originator's signed object as it is: a portion it may not pass on stops it.
          answer = refused;
        }
        item.answer = answer;
      }
      held.push(item);
    }
    const denied = held.find((h) => h.answer.decision !== 'permit');
    if (denied) {
      const body: ReleaseRequestBody = {
        ...request,
        status: 'denied',
        approvedBy: me.name,
        decision: denied.answer,
        ...(held.length > 1 ? { deniedItem: denied.stored.id } : {}),
      };
      await this.ctx.audit.appendWithin(async (tx) => {
        await assertUndecidedIn(tx, requestId);
        await updateRow(tx, ROWS.releaseRequest, requestId, { status: 'denied', body });
        return { result: undefined, entries: [...entries.values()] };
      });
      return body;
    }
    if (!(await this.partners.get(request.to))) throw notAPartner(request.to);
    // A batch's approval is tens of ms of synchronous work (the store's calls, signing): it lets the event loop
    // run between its steps, so a receipt that arrived meanwhile is handled and the next message goes out
    // to the partner now, not after the whole approval.
    await yieldToIo();
    // The items' canonical forms, written once to be hashed and signed, are written into the message as they are.
    const forms: CanonicalForms = new Map();
    const items = await releaseItems(this.ctx, this.author, this.partners, held, request.to, forms);
    await yieldToIo();
    const under = request.under ?? this.ctx.registry.bilateral(this.party, request.to)?.id ?? null;
    const message: Message = {
      ...this.author.newMessage('release', request.to, items, under),
      decision: decisionId,
    };
    const approved: ReleaseRequestBody = {
      ...request,
      // On its way: delivered or refused once the partner answers (release-state.ts).
      status: 'pending',
      approvedBy: me.name,
      approvedAt: at,
      decision: held[0]!.answer,
      message: message.id,
    };
    // Sealed for the partner before the transaction; queued (or not) with the audit entries in it.
    const queued = await this.outbox.row(message, forms);
    forms.clear();
    await yieldToIo();
    await this.ctx.audit.appendWithin(async (tx) => {
      await assertUndecidedIn(tx, requestId);
      await updateRow(tx, ROWS.releaseRequest, requestId, { status: 'pending', body: approved });
      await this.outbox.enqueue(tx, queued, [
        releaseMessageRow(requestId, message.id),
        ...held.map((h) => ({
          kind: ROWS.released,
          // Keyed by message first: a batch's rows land side by side in the key index, not on a page each.
          key: `${message.id}|${h.stored.id}`,
          ref: h.stored.id,
          partner: request.to,
          // Who holds a copy (R8 notices go to every holder): the outbox row says whether it was receipted.
          status: 'released',
          body: { item: h.stored.id, version: h.stored.version, to: request.to, message: message.id },
        })),
      ]);
      return {
        result: undefined,
        entries: [
          ...entries.values(),
          {
            kind: 'release',
            at,
            actor: me.name,
            action: 'queue',
            subjects: held.map((h) => h.stored.id).slice(0, 1000),
            details: { message: message.id, to: request.to, under, decision: decisionId, items: held.length },
          },
        ],
      };
    });
    this.outbox.onQueued(request.to);
    await yieldToIo();
    return approved;
  }
}
