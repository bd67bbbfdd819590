import { isLocalDate, type MailSender } from '../../brief/index.js';
import { ReltoError } from '../../errors/index.js';
import type { Lang } from '../../label/index.js';
import { deciderFor, type NodeContext } from '../context.js';
import type { Person } from '../service.js';
import {
  type DeliveryResult,
  deliverDue,
  type MailTransport,
  queueBriefsOf,
  queueDueBriefs,
} from './outbox.js';
import {
  type BriefSubscriptionInput,
  type BriefSubscriptionView,
  briefTopics,
  confirm,
  subscribe,
  unsubscribe,
  viewOf,
} from './subscriptions.js';

/** Where `relto serve` records the address it serves at, for the links in mail sent by other commands. */
export const PUBLIC_URL_META = 'public-url';

/** What a round of sending did: briefs queued, and what the relay took, deferred or refused. */
export interface BriefSendResult extends DeliveryResult {
  queued: number;
  /** False when no mail relay is configured: the briefs wait in the outbox for one. */
  relay: boolean;
}

/** The daily brief as people and operators use it (contracts §11). */
export interface BriefService {
  subscription(actor: Person): Promise<BriefSubscriptionView | null>;
  subscribe(actor: Person, input: BriefSubscriptionInput): Promise<BriefSubscriptionView>;
  /** False when there was no subscription. */
  cancel(actor: Person): Promise<boolean>;
  topics(actor: Person): Promise<string[]>;
  /** Follows a confirmation link (no sign-in); NOT_FOUND when it is not valid. */
  confirm(token: string): Promise<BriefSubscriptionView>;
  /** One-click unsubscribe (no sign-in): the language of the ended subscription, null when none. */
  unsubscribe(token: string): Promise<{ lang: Lang } | null>;
  /** Sends every subscriber's brief of that local date (default today) not sent yet (administrators). */
  send(actor: Person, options?: { date?: string }): Promise<BriefSendResult>;
}

export interface BriefSettings {
  /** The node's address as readers reach it (links in mail); default what `relto serve` recorded. */
  publicUrl?: string;
  /** The From address (default relto-<party>@localhost). */
  from?: string;
  transport?: MailTransport;
}

/** The node's brief desk: subscriptions, the schedule, and the outbox. */
export class BriefDesk implements BriefService {
  private settings: BriefSettings = {};
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: NodeContext,
    private readonly me: (actor: Person) => Promise<Person>,
  ) {}

  /** Sets where mail goes and what it links to (`relto serve --smtp`, `relto brief send`). */
  configure(settings: BriefSettings): void {
    const previous = this.settings.transport;
    this.settings = { ...this.settings, ...settings };
    // A relay replaced is let go (its pooled connections closed) once the round using it is done.
    if ('transport' in settings && previous && previous !== settings.transport) {
      void this.round.then(() => previous.close()).catch(() => {});
    }
  }

  get hasRelay(): boolean {
    return this.settings.transport !== undefined;
  }

  async sender(): Promise<MailSender> {
    const publicUrl =
      this.settings.publicUrl ?? (await this.ctx.store.getMeta(PUBLIC_URL_META)) ?? 'http://localhost';
    return {
      publicUrl: publicUrl.replace(/\/+$/, ''),
      from: this.settings.from ?? `relto-${this.ctx.party.toLowerCase()}@localhost`,
    };
  }

  async subscription(actor: Person): Promise<BriefSubscriptionView | null> {
    const me = await this.me(actor);
    const s = await this.ctx.store.getBriefSubscription({ person: me.name });
    return s ? viewOf(s) : null;
  }

  async subscribe(actor: Person, input: BriefSubscriptionInput): Promise<BriefSubscriptionView> {
    const me = await this.me(actor);
    const view = await subscribe(this.ctx, me, input, await this.sender());
    // The confirmation goes out now when a relay is there; otherwise it waits in the outbox for one.
    if (view.state === 'pending') void this.deliver().catch(() => {});
    return view;
  }

  async cancel(actor: Person): Promise<boolean> {
    const me = await this.me(actor);
    return (await unsubscribe(this.ctx, { person: me.name })) !== null;
  }

  async topics(actor: Person): Promise<string[]> {
    await this.me(actor);
    return briefTopics(this.ctx);
  }

  confirm(token: string): Promise<BriefSubscriptionView> {
    return confirm(this.ctx, token);
  }

  unsubscribe(token: string): Promise<{ lang: Lang } | null> {
    return unsubscribe(this.ctx, { unsubscribeToken: token });
  }

  async send(actor: Person, options: { date?: string } = {}): Promise<BriefSendResult> {
    deciderFor(this.ctx, await this.me(actor)).require('send-briefs');
    return this.sendDay(options.date);
  }

  /** `relto brief send`: the day's briefs not sent yet, now. */
  async sendDay(date?: string): Promise<BriefSendResult> {
    if (date !== undefined && !isLocalDate(date)) {
      throw new ReltoError('INVALID_ARGUMENT', `date must be YYYY-MM-DD, not "${date}"`, '/date');
    }
    return this.serially(async () => {
      const queued = await queueBriefsOf(this.ctx, await this.sender(), date);
      return { queued, ...(await this.deliverNow()) };
    });
  }

  /** The scheduler's round: queue the briefs whose time has come, then send what is due. */
  runDue(): Promise<BriefSendResult> {
    return this.serially(async () => {
      const queued = await queueDueBriefs(this.ctx, await this.sender());
      return { queued, ...(await this.deliverNow()) };
    });
  }

  /** Sends what is due in the outbox (no-op without a relay). */
  deliver(): Promise<BriefSendResult> {
    return this.serially(async () => ({ queued: 0, ...(await this.deliverNow()) }));
  }

  async close(): Promise<void> {
    await this.round.catch(() => {});
    await this.settings.transport?.close();
  }

  private async deliverNow(): Promise<DeliveryResult & { relay: boolean }> {
    const t = this.settings.transport;
    if (!t) return { sent: 0, retrying: 0, failed: 0, relay: false };
    return { ...(await deliverDue(this.ctx, t)), relay: true };
  }

  /** One round at a time: a confirmation sent on request never races the scheduler for the same mail. */
  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.round.then(fn, fn);
    this.round = next.catch(() => {});
    return next;
  }
}
