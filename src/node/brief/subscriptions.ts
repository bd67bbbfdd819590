import { randomBytes } from 'node:crypto';
import {
  composeConfirmation,
  confirmationMessage,
  isTimeOfDay,
  isTimeZone,
  type MailSender,
  nextSendAt,
} from '../../brief/index.js';
import { sha256Hex } from '../../canon/index.js';
import { ReltoError } from '../../errors/index.js';
import type { Lang } from '../../label/index.js';
import type { BriefSubscriptionRecord } from '../../store/index.js';
import { type NodeContext, nowIso } from '../context.js';
import type { Person } from '../service.js';
import { queuedMail } from './outbox.js';

/** A person's subscription as they give it (contracts §11: every field required; topics [] = all). */
export interface BriefSubscriptionInput {
  email: string;
  time: string;
  timeZone: string;
  lang: Lang;
  topics: string[];
}

/** A subscription as its person reads it back (no tokens). */
export interface BriefSubscriptionView extends BriefSubscriptionInput {
  state: 'pending' | 'confirmed';
  requestedAt: string;
  confirmedAt?: string;
  /** When the next brief goes out (confirmed subscriptions). */
  nextSendAt?: string;
}

/** How long a confirmation link works. */
const CONFIRM_HOURS = 48;

const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\.]+(\.[^\s@<>()[\],;:"\\.]+)*$/;

function token(): string {
  return randomBytes(32).toString('base64url');
}

export function viewOf(s: BriefSubscriptionRecord): BriefSubscriptionView {
  return {
    email: s.email,
    time: s.time,
    timeZone: s.timeZone,
    lang: s.lang,
    topics: s.topics,
    state: s.state,
    requestedAt: s.requestedAt,
    ...(s.confirmedAt ? { confirmedAt: s.confirmedAt } : {}),
    ...(s.state === 'confirmed' && s.nextSendAt ? { nextSendAt: s.nextSendAt } : {}),
  };
}

/** Each field as the person gave it, or an error naming the field that is wrong. */
export function checkSubscription(input: BriefSubscriptionInput, knownTopics: readonly string[]): void {
  const email = input.email;
  if (email.length > 254 || email.split('@')[0]!.length > 64 || !EMAIL.test(email)) {
    throw new ReltoError('INVALID_ARGUMENT', `"${email}" is not an e-mail address`, '/email');
  }
  if (!isTimeOfDay(input.time)) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `time must be HH:MM (00:00 to 23:59), not "${input.time}"`,
      '/time',
    );
  }
  if (!isTimeZone(input.timeZone)) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `"${input.timeZone}" is not a time zone name (such as Asia/Seoul)`,
      '/timeZone',
    );
  }
  const known = new Set(knownTopics);
  input.topics.forEach((t, i) => {
    if (!known.has(t)) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `"${t}" is not a topic of this node's news (${knownTopics.join(', ') || 'none yet'})`,
        `/topics/${i}`,
      );
    }
  });
}

/** The topics a brief can be narrowed to: those of the node's feeds, OSINT aside (every news item has it). */
export async function briefTopics(ctx: NodeContext): Promise<string[]> {
  const topics = new Set<string>();
  for (const f of await ctx.store.listFeeds()) for (const t of f.topics) if (t !== 'OSINT') topics.add(t);
  return [...topics].sort();
}

/**
 * Stores the person's subscription. A new address (or a first subscription) waits for confirmation: a link
 * is mailed to it and nothing else is sent until it is followed. The same confirmed address keeps its
 * confirmation and takes the new time, zone, language and topics at once.
 */
export async function subscribe(
  ctx: NodeContext,
  person: Person,
  input: BriefSubscriptionInput,
  sender: MailSender,
): Promise<BriefSubscriptionView> {
  const topics = [...new Set(input.topics)];
  checkSubscription({ ...input, topics }, await briefTopics(ctx));
  const now = ctx.clock();
  const at = nowIso(ctx);
  const held = await ctx.store.getBriefSubscription({ person: person.name });
  const keepsConfirmation = held?.state === 'confirmed' && held.email === input.email;
  const base = {
    person: person.name,
    email: input.email,
    time: input.time,
    timeZone: input.timeZone,
    lang: input.lang,
    topics,
    unsubscribeToken: held?.unsubscribeToken ?? token(),
    requestedAt: at,
  };
  let record: BriefSubscriptionRecord;
  if (keepsConfirmation) {
    record = {
      ...base,
      state: 'confirmed',
      confirmHash: null,
      confirmExpiresAt: null,
      confirmedAt: held.confirmedAt,
      nextSendAt: nextSendAt(input.time, input.timeZone, new Date(now)).toISOString(),
    };
    await ctx.store.putBriefSubscription(record);
  } else {
    const confirm = token();
    const confirmHash = sha256Hex(confirm);
    record = {
      ...base,
      state: 'pending',
      confirmHash,
      confirmExpiresAt: new Date(now + CONFIRM_HOURS * 3_600_000).toISOString(),
      confirmedAt: null,
      nextSendAt: null,
    };
    const mail = composeConfirmation({
      lang: input.lang,
      person: person.name,
      party: ctx.registry.parties.get(ctx.party)!.def.name[input.lang],
      time: input.time,
      timeZone: input.timeZone,
      confirmUrl: `${sender.publicUrl}/brief/confirm?token=${confirm}`,
    });
    const message = confirmationMessage({
      sender,
      person: person.name,
      to: input.email,
      composedAt: new Date(now),
      mail,
      tokenHash: confirmHash,
    });
    // The subscription and its confirmation mail are kept together: a confirmation is never lost.
    await ctx.store.transaction(async (tx) => {
      await tx.putBriefSubscription(record);
      await tx.enqueueMail([
        queuedMail(`confirm:${person.name}:${confirmHash}`, 'confirm', person.name, message, at),
      ]);
    });
  }
  ctx.audit.record({
    kind: 'node',
    at,
    actor: person.name,
    subjects: [person.name],
    action: 'brief-subscribe',
    details: {
      email: input.email,
      time: input.time,
      timeZone: input.timeZone,
      lang: input.lang,
      topics,
      state: record.state,
    },
  });
  return viewOf(record);
}

/** Confirms the subscription a mailed link names; its first brief is at its next time of day. */
export async function confirm(ctx: NodeContext, confirmToken: string): Promise<BriefSubscriptionView> {
  const held = confirmToken
    ? await ctx.store.getBriefSubscription({ confirmHash: sha256Hex(confirmToken) })
    : null;
  const expires = held?.state === 'pending' ? held.confirmExpiresAt : null;
  if (!held || !expires || Date.parse(expires) < ctx.clock()) {
    throw new ReltoError(
      'NOT_FOUND',
      'this confirmation link is not valid: it expired, was replaced, or was used',
    );
  }
  const at = nowIso(ctx);
  const next = nextSendAt(held.time, held.timeZone, new Date(ctx.clock())).toISOString();
  await ctx.store.updateBriefSubscription(held.person, {
    state: 'confirmed',
    confirmHash: null,
    confirmExpiresAt: null,
    confirmedAt: at,
    nextSendAt: next,
  });
  ctx.audit.record({
    kind: 'node',
    at,
    actor: held.person,
    subjects: [held.person],
    action: 'brief-confirm',
    details: { email: held.email },
  });
  return viewOf({ ...held, state: 'confirmed', confirmedAt: at, nextSendAt: next });
}

/**
 * Ends a subscription: the person's own (signed in) or the one an unsubscribe link names (RFC 8058: one
 * POST, no sign-in). Briefs still waiting in the outbox are not sent. Returns the language of the ended
 * subscription, or null when there was none.
 */
export async function unsubscribe(
  ctx: NodeContext,
  by: { person: string } | { unsubscribeToken: string },
): Promise<{ lang: Lang } | null> {
  const held = 'person' in by || by.unsubscribeToken ? await ctx.store.getBriefSubscription(by) : null;
  if (!held) return null;
  await ctx.store.deleteBriefSubscription(held.person);
  for (const m of await ctx.store.listMail({ person: held.person, state: 'queued' })) {
    await ctx.store.settleMail(m.id, { state: 'failed', lastError: 'unsubscribed before it was sent' });
  }
  ctx.audit.record({
    kind: 'node',
    at: nowIso(ctx),
    actor: 'person' in by ? held.person : 'unsubscribe-link',
    subjects: [held.person],
    action: 'brief-unsubscribe',
    details: { email: held.email },
  });
  return { lang: held.lang };
}
