import type { Message, ReclassificationNotice } from '../../exchange/index.js';
import type { NodeIdentity } from '../../identity/index.js';
import type { Label } from '../../label/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import type { ExchangeService, Person } from '../service.js';
import { type AlarmView, clearAlarm, listAlarms } from './alarms.js';
import { compromisesReceived, forwardCompromises } from './compromises.js';
import { Consents } from './consent.js';
import { consentsOf } from './held.js';
import { Inbox, type InboxAnswer } from './inbox.js';
import { Author } from './messages.js';
import { Notices } from './notices.js';
import { applyReclassification } from './notices-received.js';
import { Outbox } from './outbox.js';
import { type Partner, PartnerBook, partnerViews } from './partners.js';
import { Releases } from './release.js';
import { releaseSettled } from './release-state.js';
import type { OutboxBody } from './rows.js';

export type { InboxAnswer } from './inbox.js';
export type { OutboxBody, QueuedItem, SettledBody } from './rows.js';
export { ROWS } from './rows.js';

/**
 * The node's side of the exchange between nodes (contracts §9), its stages wired together: one partner book
 * (partners.ts), the outbox (outbox.ts, sent by the delivery worker), releases (release.ts, release-state.ts),
 * consents (consent.ts), the inbox (inbox.ts, inbox-release.ts) and notices (notices.ts, compromises.ts,
 * alarms.ts). What the node's API and the CLI call goes through here.
 */
export class Exchange implements ExchangeService {
  readonly partners: PartnerBook;
  readonly outbox: Outbox;
  readonly releases: Releases;
  readonly consents: Consents;
  readonly notices: Notices;
  readonly inbox: Inbox;

  constructor(
    readonly ctx: NodeContext,
    readonly identity: NodeIdentity,
    /** Where sealed queued messages are kept (DIR/outbox); without it they are kept in their rows. */
    outboxDir?: string,
  ) {
    const author = new Author(ctx, identity);
    this.partners = new PartnerBook(ctx.store, identity);
    this.outbox = new Outbox(ctx, author, this.partners, outboxDir);
    this.releases = new Releases(ctx, author, this.partners, this.outbox);
    this.consents = new Consents(ctx, author, this.partners, this.outbox);
    this.notices = new Notices(ctx, author, this.partners, this.outbox);
    this.inbox = new Inbox(ctx, author, this.partners, this.notices);
    // A release's request follows its message: delivered, or refused with the partner's reason.
    this.outbox.onSettled.release = releaseSettled;
    // Before each delivery round: compromise reports to forward (R28), and audit heads when due (R29).
    this.outbox.duties.push(async (partners, headsDue) => {
      await forwardCompromises(ctx, author, this.partners, this.outbox);
      if (headsDue) for (const p of partners) await this.notices.queueAuditHead(p.party);
    });
  }

  get party(): string {
    return this.ctx.party;
  }

  // ---- partners

  loadPartners(): Promise<Partner[]> {
    return this.partners.load();
  }

  currentPartners(): Promise<Partner[]> {
    return this.partners.current();
  }

  partner(party: string): Promise<Partner | undefined> {
    return this.partners.get(party);
  }

  /** The partner book as the API shows it to administrators (fingerprints, never key material). */
  listPartners = async (actor: Person) => {
    deciderFor(this.ctx, await this.ctx.people.require(actor)).require('read-partners');
    return partnerViews(this.ctx.store);
  };

  // ---- releases and consents (the node's API)

  fileRelease = (actor: Person, body: { item?: string; items?: string[]; to: string; under?: string }) =>
    this.releases.file(actor, body);
  approveRelease = (actor: Person, requestId: string) => this.releases.approve(actor, requestId);
  refuseRelease = (actor: Person, requestId: string, note?: string) =>
    this.releases.refuse(actor, requestId, note);
  listReleaseRequests = (actor: Person) => this.releases.list(actor);
  requestConsent = (
    actor: Person,
    body: { item: string; to?: string; purpose?: string; actions?: string[] },
  ) => this.consents.request(actor, body);
  answerConsent = (actor: Person, requestId: string, refuse: boolean) =>
    this.consents.answer(actor, requestId, refuse);
  listConsentRequests = (actor: Person) => this.consents.list(actor);
  /** The originator-signed consents held for an item (R15–R17). */
  consentsOf = (itemId: string) => consentsOf(this.ctx, itemId);

  // ---- notices, alarms and compromise reports

  /** R8: the originator's new label for an item, sent to every partner it was released to. */
  notifyReclassification = (itemId: string, label: Label) =>
    this.notices.notifyReclassification(itemId, label);
  applyReclassification = (notice: ReclassificationNotice) => applyReclassification(this.ctx, notice);
  alarms = (actor: Person, filter?: { status?: AlarmView['status'] }) => listAlarms(this.ctx, actor, filter);
  clearAlarm = (actor: Person, id: string, note: string) => clearAlarm(this.ctx, actor, id, note);
  compromisesReceived = (actor: Person) => compromisesReceived(this.ctx, actor);

  // ---- the inbox, and the outbox as tests reach it

  /** `POST /exchange/v1/inbox`: `peer` is the party the TLS client certificate names. */
  receive = (jwe: string, peer: string | undefined): Promise<InboxAnswer> => this.inbox.receive(jwe, peer);
  sealForDelivery = (message: Message) => this.outbox.sealForDelivery(message);
  outboxRow = (message: Message) => this.outbox.row(message);
  queuedJwe = (body: OutboxBody) => this.outbox.jwe(body);
  queuedMessage = (body: OutboxBody) => this.outbox.message(body);
}
