import {
  briefMessage,
  composeBrief,
  localDate,
  type MailMessage,
  type MailSender,
  nextSendAt,
} from '../../brief/index.js';
import type { BriefSubscriptionRecord, MailRecord } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { briefContent } from './read.js';

/** Hands a message to the mail relay; throws when the relay does not take it. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** What one round of sending did. */
export interface DeliveryResult {
  sent: number;
  /** Refused for now (a 4xx, a dropped connection): tried again later, with a growing wait. */
  retrying: number;
  /** Refused for good (a 5xx), or still refused a day later: recorded, not tried again. */
  failed: number;
}

const DAY_MS = 24 * 3_600_000;
/** How long a sender holds the mail it claimed before another may take it (a stopped node's claims). */
const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 60 * 60_000;

/** A relay's answer that says never: an SMTP 5xx. Anything else (4xx, timeouts, refused connections) may pass. */
export function isPermanentRefusal(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function retryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
}

export function briefMailId(person: string, date: string): string {
  return `brief:${person}:${date}`;
}

/**
 * Composes the person's brief of local `date`, for the 24 hours before `sendAt`, as an outbox record; null
 * when the person may no longer sign in (removed, disabled).
 */
async function briefMail(
  ctx: NodeContext,
  sender: MailSender,
  s: BriefSubscriptionRecord,
  date: string,
  sendAt: Date,
): Promise<MailRecord | null> {
  const person = await ctx.people.current(s.person);
  if (!person) return null;
  const unsubscribeUrl = `${sender.publicUrl}/brief/unsubscribe?token=${s.unsubscribeToken}`;
  const content = await briefContent(
    ctx,
    person,
    s,
    { from: new Date(sendAt.getTime() - DAY_MS).toISOString(), to: sendAt.toISOString() },
    { workspaceUrl: `${sender.publicUrl}/inbox`, unsubscribeUrl, date },
  );
  const now = new Date(ctx.clock());
  const message = briefMessage({
    sender,
    party: ctx.party,
    person: s.person,
    to: s.email,
    date,
    composedAt: now,
    mail: composeBrief(content),
    unsubscribeUrl,
    unsubscribeToken: s.unsubscribeToken,
  });
  return queuedMail(briefMailId(s.person, date), 'brief', s.person, message, now.toISOString());
}

/** A mail as it enters the outbox: due at once, never tried. */
export function queuedMail(
  id: string,
  kind: MailRecord['kind'],
  person: string,
  message: MailMessage,
  at: string,
): MailRecord {
  return {
    id,
    kind,
    person,
    recipient: message.to,
    message: JSON.stringify(message),
    state: 'queued',
    attempts: 0,
    nextAttemptAt: at,
    lastError: null,
    createdAt: at,
    sentAt: null,
  };
}

/**
 * Queues the briefs whose time has come (each subscriber's time of day in their zone) and moves each
 * subscription to its next time. A brief is queued once per person and local date whatever happens (the
 * outbox keys it so); a node that was down at the time queues it when it is back, unless a day has passed.
 */
export async function queueDueBriefs(ctx: NodeContext, sender: MailSender): Promise<number> {
  let queued = 0;
  for (;;) {
    const now = ctx.clock();
    const due = await ctx.store.listBriefSubscriptions({ dueBy: new Date(now).toISOString(), limit: 200 });
    if (due.length === 0) return queued;
    const mail: MailRecord[] = [];
    for (const s of due) {
      const sendAt = new Date(s.nextSendAt!);
      const date = localDate(sendAt, s.timeZone);
      if (now - sendAt.getTime() < DAY_MS) {
        const m = await briefMail(ctx, sender, s, date, sendAt);
        if (m) mail.push(m);
      }
      const next = nextSendAt(s.time, s.timeZone, new Date(Math.max(now, sendAt.getTime())));
      await ctx.store.updateBriefSubscription(s.person, { nextSendAt: next.toISOString() });
    }
    queued += (await ctx.store.enqueueMail(mail)).length;
  }
}

/**
 * `relto brief send`: queues every confirmed subscriber's brief of the local date `date` (default: today in
 * each one's zone) not queued yet, whatever its time of day, holding the 24 hours before now. Once per person
 * and local date, like the scheduled ones.
 */
export async function queueBriefsOf(ctx: NodeContext, sender: MailSender, date?: string): Promise<number> {
  const subs = await ctx.store.listBriefSubscriptions();
  const now = ctx.clock();
  const dates = subs.map((s) => date ?? localDate(new Date(now), s.timeZone));
  const held = await ctx.store.mailIdsHeld(subs.map((s, i) => briefMailId(s.person, dates[i]!)));
  const mail: MailRecord[] = [];
  for (const [i, s] of subs.entries()) {
    const d = dates[i]!;
    if (held.has(briefMailId(s.person, d))) continue;
    // Sent now: it holds the 24 hours before now, like any brief the 24 hours before it is sent.
    const m = await briefMail(ctx, sender, s, d, new Date(now));
    if (m) mail.push(m);
  }
  return (await ctx.store.enqueueMail(mail)).length;
}

/**
 * Sends what the outbox holds that is due, `parallel` at a time, until none is left: a mail taken by the
 * relay is marked sent at once (so a restart never sends it again), a temporary refusal waits 30 s, 1 min,
 * 2 min … up to an hour between tries for a day, a permanent one is recorded.
 */
export async function deliverDue(
  ctx: NodeContext,
  transport: MailTransport,
  options: { parallel?: number } = {},
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  const parallel = options.parallel ?? 8;
  for (;;) {
    const now = ctx.clock();
    const claimed = await ctx.store.claimDueMail(
      new Date(now).toISOString(),
      new Date(now + LEASE_MS).toISOString(),
      parallel * 8,
    );
    if (claimed.length === 0) return result;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < claimed.length; i = next++)
        await deliverOne(ctx, transport, claimed[i]!, result);
    };
    await Promise.all(Array.from({ length: Math.min(parallel, claimed.length) }, worker));
  }
}

async function deliverOne(
  ctx: NodeContext,
  transport: MailTransport,
  mail: MailRecord,
  result: DeliveryResult,
): Promise<void> {
  const attempts = mail.attempts + 1;
  const message = JSON.parse(mail.message) as MailMessage;
  try {
    await transport.send(message);
  } catch (err) {
    const at = ctx.clock();
    const reason = ((err as Error).message ?? String(err)).slice(0, 500);
    const giveUp = isPermanentRefusal(err) || at - Date.parse(mail.createdAt) >= DAY_MS;
    const recorded = await ctx.store.settleMail(
      mail.id,
      {
        state: giveUp ? 'failed' : 'queued',
        attempts,
        nextAttemptAt: new Date(at + (giveUp ? 0 : retryDelay(attempts))).toISOString(),
        lastError: reason,
      },
      mail.nextAttemptAt,
    );
    // Past its lease another sender has the mail now: what it records stands.
    if (!recorded) return;
    if (giveUp) {
      result.failed++;
      ctx.audit.record({
        kind: 'node',
        at: new Date(at).toISOString(),
        actor: `node:${ctx.party}`,
        subjects: [mail.person],
        action: `${mail.kind}-mail-failed`,
        details: { id: mail.id, to: mail.recipient, attempts, reason },
      });
    } else result.retrying++;
    return;
  }
  const sentAt = new Date(ctx.clock()).toISOString();
  // Sent is sent, whoever holds the claim now: recorded unconditionally, so a late sender never causes a resend.
  await ctx.store.settleMail(mail.id, { state: 'sent', attempts, sentAt, lastError: null });
  result.sent++;
  ctx.audit.record({
    kind: 'node',
    at: sentAt,
    actor: `node:${ctx.party}`,
    subjects: [mail.person],
    action: `${mail.kind}-mail-sent`,
    details: { id: mail.id, to: mail.recipient, messageId: message.messageId },
  });
}
