import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../../audit/index.js';
import { ReltoError } from '../../errors/index.js';
import type { ConsentAnswer, ConsentRecord, ConsentRequest } from '../../exchange/index.js';
import { deciderFor, nowIso } from '../context.js';
import type { Person } from '../service.js';
import { heldItem } from './held.js';
import { toItem } from './messages.js';
import { checkConsentFiling, notAPartner } from './release-state.js';
import { getRow, heldConsentRow, listRows, putRow, ROWS, updateRow } from './rows.js';
import { Stage } from './stage.js';

/** The audit entry of a step of a consent request (asked, granted, refused), about its item and itself. */
function consentEntry(
  step: { at: string; actor: string; action: string },
  item: string,
  requestId: string,
  details: Record<string, unknown>,
): AuditEntryInput {
  return { kind: 'consent', ...step, subjects: [item, requestId], details };
}

/**
 * Consents (R15–R17, R34): a holder asks the originator for consent to pass an item on, use it for a purpose or
 * act on it; the originator's releasing officer (never the one who asked) grants or refuses, and the signed
 * answer travels back through the outbox. A granted consent joins the item's decisions on both sides.
 */
export class Consents extends Stage {
  async request(
    actor: Person,
    body: { item: string; to?: string; purpose?: string; actions?: string[] },
  ): Promise<{ id: string; status: string; request: ConsentRequest }> {
    const me = await this.ctx.people.require(actor);
    checkConsentFiling(this.ctx.registry, this.party, body);
    const { stored, label, labelId } = await heldItem(this.ctx, body.item);
    const read = deciderFor(this.ctx, me).answer(labelId, 'read', stored.id);
    if (read?.decision !== 'permit') throw new ReltoError('NOT_FOUND', `no item ${body.item}`);
    if (label.originator === this.party) {
      throw new ReltoError('CONFLICT', 'this node is the originator: consent is asked of the originator');
    }
    if (!(await this.partners.get(label.originator))) throw notAPartner(label.originator);
    const at = nowIso(this.ctx);
    const scope = body.to
      ? { to: body.to }
      : body.purpose
        ? { purpose: body.purpose, holder: this.party }
        : { actions: body.actions as ('copy' | 'translate' | 'print' | 'export')[], holder: this.party };
    const request = {
      type: 'relto-consent-request',
      id: `consent-request--${randomUUID()}`,
      item: stored.id,
      by: this.party,
      at,
      ...scope,
      note: `asked by ${me.name}`,
    } as ConsentRequest;
    const message = this.author.notice('consent-request', label.originator, request);
    const queued = await this.outbox.row(message);
    const step = { at, actor: me.name, action: 'request' };
    const details = { to: label.originator, message: message.id, ...scope };
    await this.fileRequest(
      {
        kind: ROWS.consentRequestOut,
        key: request.id,
        ref: stored.id,
        partner: label.originator,
        status: 'pending',
        body: { request, askedBy: me.name },
      },
      consentEntry(step, stored.id, request.id, details),
      queued,
    );
    this.outbox.onQueued(label.originator);
    return { id: request.id, status: 'pending', request };
  }

  async list(actor: Person): Promise<{ incoming: unknown[]; outgoing: unknown[] }> {
    await this.ctx.people.require(actor);
    const store = this.ctx.store;
    const view = (r: { status: string; body: object }) => ({ status: r.status, ...r.body });
    return {
      incoming: (await listRows(store, { kind: ROWS.consentRequestIn })).map(view),
      outgoing: (await listRows(store, { kind: ROWS.consentRequestOut })).map(view),
    };
  }

  /** The originator's answer (R34: a releasing officer, never for a request they asked). */
  async answer(
    actor: Person,
    requestId: string,
    refuse: boolean,
  ): Promise<{ id: string; status: string; answer: ConsentAnswer }> {
    const me = await this.ctx.people.require(actor);
    deciderFor(this.ctx, me).require('answer-consent');
    const row = await getRow(this.ctx.store, ROWS.consentRequestIn, requestId);
    if (!row) throw new ReltoError('NOT_FOUND', `no consent request ${requestId}`);
    if (row.status !== 'pending')
      throw new ReltoError('ALREADY_DECIDED', `consent request ${requestId} was already ${row.status}`);
    const { request, askedBy } = row.body;
    if (request.by === this.party && askedBy === me.name) {
      throw new ReltoError(
        'FOUR_EYES',
        `${me.name} asked for ${requestId} and may not grant it: another releasing officer must`,
      );
    }
    const at = nowIso(this.ctx);
    const scope: Record<string, unknown> =
      'to' in request
        ? { to: request.to }
        : 'purpose' in request
          ? { purpose: request.purpose }
          : { actions: request.actions };
    const answer: ConsentAnswer = refuse
      ? { type: 'relto-consent-refusal', request: request.id, item: request.item, by: this.party, at }
      : ({
          type: 'relto-consent',
          ref: `consent--${randomUUID()}`,
          item: request.item,
          by: this.party,
          at,
          request: request.id,
          ...scope,
          ...(request.holder ? { holder: request.holder } : {}),
        } as ConsentRecord);
    const [record] = this.author.signOwn([answer]);
    const message = this.author.newMessage('consent', request.by, [toItem(record!)]);
    const status = refuse ? 'refused' : 'granted';
    const queued = await this.outbox.row(message);
    await this.ctx.audit.appendWithin(async (tx) => {
      await updateRow(tx, ROWS.consentRequestIn, requestId, { status });
      if (answer.type === 'relto-consent') {
        await putRow(tx, heldConsentRow(record!, answer));
      }
      await this.outbox.enqueue(tx, queued);
      const step = { at, actor: me.name, action: refuse ? 'refuse' : 'grant' };
      const details = { to: request.by, message: message.id, ...scope };
      return { result: undefined, entries: [consentEntry(step, request.item, request.id, details)] };
    });
    if (answer.type === 'relto-consent') this.ctx.consents?.add(request.item, answer);
    this.outbox.onQueued(request.by);
    return { id: requestId, status, answer };
  }
}
