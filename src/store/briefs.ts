import type { Selectable } from 'kysely';
import type { Scope } from './context.js';
import type { BriefSubscriptionTable, MailOutboxTable } from './database.js';
import { json, parse } from './rows.js';
import type { BriefSubscriptionPatch, BriefSubscriptionRecord, MailPatch, MailRecord } from './store.js';

/** Daily brief subscriptions and the outbox of mail (contracts §11). */

function toSubscription(row: Selectable<BriefSubscriptionTable>): BriefSubscriptionRecord {
  return {
    person: row.person,
    email: row.email,
    time: row.time,
    timeZone: row.time_zone,
    lang: row.lang as BriefSubscriptionRecord['lang'],
    topics: parse<string[]>(row.topics),
    state: row.state as BriefSubscriptionRecord['state'],
    confirmHash: row.confirm_hash,
    confirmExpiresAt: row.confirm_expires_at,
    unsubscribeToken: row.unsubscribe_token,
    requestedAt: row.requested_at,
    confirmedAt: row.confirmed_at,
    nextSendAt: row.next_send_at,
  };
}

function subscriptionRow(s: BriefSubscriptionRecord): BriefSubscriptionTable {
  return {
    person: s.person,
    email: s.email,
    time: s.time,
    time_zone: s.timeZone,
    lang: s.lang,
    topics: json(s.topics),
    state: s.state,
    confirm_hash: s.confirmHash,
    confirm_expires_at: s.confirmExpiresAt,
    unsubscribe_token: s.unsubscribeToken,
    requested_at: s.requestedAt,
    confirmed_at: s.confirmedAt,
    next_send_at: s.nextSendAt,
  };
}

/** Adds or replaces the person's subscription (one per person). */
export async function putBriefSubscription(scope: Scope, s: BriefSubscriptionRecord): Promise<void> {
  const row = subscriptionRow(s);
  const { person: _person, ...rest } = row;
  await scope.db
    .insertInto('brief_subscriptions')
    .values(row)
    .onConflict((oc) => oc.column('person').doUpdateSet(rest))
    .execute();
}

export async function getBriefSubscription(
  scope: Scope,
  by: { person: string } | { confirmHash: string } | { unsubscribeToken: string },
): Promise<BriefSubscriptionRecord | null> {
  let q = scope.db.selectFrom('brief_subscriptions').selectAll();
  if ('person' in by) q = q.where('person', '=', by.person);
  else if ('confirmHash' in by) q = q.where('confirm_hash', '=', by.confirmHash);
  else q = q.where('unsubscribe_token', '=', by.unsubscribeToken);
  const row = await q.executeTakeFirst();
  return row ? toSubscription(row) : null;
}

export async function updateBriefSubscription(
  scope: Scope,
  person: string,
  patch: BriefSubscriptionPatch,
): Promise<boolean> {
  const set: Partial<BriefSubscriptionTable> = {};
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.confirmHash !== undefined) set.confirm_hash = patch.confirmHash;
  if (patch.confirmExpiresAt !== undefined) set.confirm_expires_at = patch.confirmExpiresAt;
  if (patch.confirmedAt !== undefined) set.confirmed_at = patch.confirmedAt;
  if (patch.nextSendAt !== undefined) set.next_send_at = patch.nextSendAt;
  if (Object.keys(set).length === 0) return true;
  const done = await scope.db
    .updateTable('brief_subscriptions')
    .set(set)
    .where('person', '=', person)
    .executeTakeFirst();
  return Number(done.numUpdatedRows) > 0;
}

export async function deleteBriefSubscription(scope: Scope, person: string): Promise<boolean> {
  const done = await scope.db
    .deleteFrom('brief_subscriptions')
    .where('person', '=', person)
    .executeTakeFirst();
  return Number(done.numDeletedRows) > 0;
}

/** Confirmed subscriptions, all or those whose next brief is due at `dueBy`, in due order. */
export async function listBriefSubscriptions(
  scope: Scope,
  filter: { dueBy?: string; limit?: number } = {},
): Promise<BriefSubscriptionRecord[]> {
  let q = scope.db.selectFrom('brief_subscriptions').selectAll().where('state', '=', 'confirmed');
  if (filter.dueBy !== undefined) q = q.where('next_send_at', '<=', filter.dueBy);
  q = q.orderBy('next_send_at').orderBy('person');
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(toSubscription);
}

function toMail(row: Selectable<MailOutboxTable>): MailRecord {
  return {
    id: row.id,
    kind: row.kind as MailRecord['kind'],
    person: row.person,
    recipient: row.recipient,
    message: row.message,
    state: row.state as MailRecord['state'],
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** Queues mail; an id already queued (a brief of that person and day) is left as it is. Returns the ids added. */
export async function enqueueMail(scope: Scope, mail: MailRecord[]): Promise<string[]> {
  if (mail.length === 0) return [];
  return scope.atomic(async (s) => {
    const added: string[] = [];
    for (const m of mail) {
      const done = await s.db
        .insertInto('mail_outbox')
        .values({
          id: m.id,
          kind: m.kind,
          person: m.person,
          recipient: m.recipient,
          message: m.message,
          state: m.state,
          attempts: m.attempts,
          next_attempt_at: m.nextAttemptAt,
          last_error: m.lastError,
          created_at: m.createdAt,
          sent_at: m.sentAt,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(done.numInsertedOrUpdatedRows ?? 0) > 0) added.push(m.id);
    }
    return added;
  });
}

/** Which of these ids are in the outbox already (in any state). */
export async function mailIdsHeld(scope: Scope, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const rows = await scope.db.selectFrom('mail_outbox').select('id').where('id', 'in', part).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/**
 * Claims up to `limit` mails due at `now` (queued, or claimed by a sender whose lease ran out: a node that
 * stopped mid-send) until `leaseUntil`; a mail is claimed by one sender at a time.
 */
export async function claimDueMail(
  scope: Scope,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<MailRecord[]> {
  return scope.atomic(async (s) => {
    const rows = await s.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('state', '=', 'sending'), eb('next_attempt_at', '<=', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    const claimed: MailRecord[] = [];
    for (const row of rows) {
      const done = await s.db
        .updateTable('mail_outbox')
        .set({ state: 'sending', next_attempt_at: leaseUntil })
        .where('id', '=', row.id)
        .where('state', '=', row.state)
        .where('next_attempt_at', '=', row.next_attempt_at)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) > 0) {
        claimed.push(toMail({ ...row, state: 'sending', next_attempt_at: leaseUntil }));
      }
    }
    return claimed;
  });
}

/**
 * Records how a mail went. With `claim` (the lease its sender was given), only while that claim holds: a
 * sender that stalled past its lease never overwrites what the sender after it recorded. Returns whether it
 * was recorded.
 */
export async function settleMail(
  scope: Scope,
  id: string,
  patch: MailPatch,
  claim?: string,
): Promise<boolean> {
  const set: Partial<MailOutboxTable> = { state: patch.state };
  if (patch.attempts !== undefined) set.attempts = patch.attempts;
  if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
  if (patch.lastError !== undefined) set.last_error = patch.lastError;
  if (patch.sentAt !== undefined) set.sent_at = patch.sentAt;
  let q = scope.db.updateTable('mail_outbox').set(set).where('id', '=', id);
  if (claim !== undefined) q = q.where('state', '=', 'sending').where('next_attempt_at', '=', claim);
  const done = await q.executeTakeFirst();
  return Number(done.numUpdatedRows) > 0;
}

export async function listMail(
  scope: Scope,
  filter: { person?: string; kind?: MailRecord['kind']; state?: MailRecord['state'] } = {},
): Promise<MailRecord[]> {
  let q = scope.db.selectFrom('mail_outbox').selectAll();
  if (filter.person !== undefined) q = q.where('person', '=', filter.person);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toMail);
}
