import { expect, it } from 'vitest';
import type { BriefSubscriptionRecord, MailRecord } from '../store.js';
import type { WithStore } from './fixtures.js';

const subscription = (
  person: string,
  over: Partial<BriefSubscriptionRecord> = {},
): BriefSubscriptionRecord => ({
  person,
  email: `${person}@mil.example`,
  time: '07:00',
  timeZone: 'Asia/Seoul',
  lang: 'ko',
  topics: [],
  state: 'pending',
  confirmHash: `hash-${person}`,
  confirmExpiresAt: '2026-12-09T00:00:00.000Z',
  unsubscribeToken: `unsub-${person}`,
  requestedAt: '2026-12-07T00:00:00.000Z',
  confirmedAt: null,
  nextSendAt: null,
  ...over,
});

const mail = (id: string, over: Partial<MailRecord> = {}): MailRecord => ({
  id,
  kind: 'brief',
  person: 'analyst',
  recipient: 'analyst@mil.example',
  message: '{"subject":"brief"}',
  state: 'queued',
  attempts: 0,
  nextAttemptAt: '2026-12-07T22:00:00.000Z',
  lastError: null,
  createdAt: '2026-12-07T22:00:00.000Z',
  sentAt: null,
  ...over,
});

/** The daily brief's subscriptions and outbox (contracts §11). */
export function briefTests(withStore: WithStore): void {
  it('keeps one subscription per person, found by person, confirmation hash or unsubscribe token', () =>
    withStore(async (store) => {
      await store.putBriefSubscription(subscription('analyst'));
      await store.putBriefSubscription(
        subscription('analyst', { email: 'new@mil.example', topics: ['OSINT'] }),
      );
      await store.putBriefSubscription(subscription('officer'));
      const got = await store.getBriefSubscription({ person: 'analyst' });
      expect(got).toMatchObject({ email: 'new@mil.example', topics: ['OSINT'], state: 'pending' });
      expect((await store.getBriefSubscription({ confirmHash: 'hash-officer' }))?.person).toBe('officer');
      expect((await store.getBriefSubscription({ unsubscribeToken: 'unsub-analyst' }))?.person).toBe(
        'analyst',
      );
      expect(await store.getBriefSubscription({ confirmHash: 'nobody' })).toBeNull();
      expect(await store.listBriefSubscriptions()).toEqual([]);
      expect(
        await store.updateBriefSubscription('analyst', {
          state: 'confirmed',
          confirmHash: null,
          confirmedAt: '2026-12-07T01:00:00.000Z',
          nextSendAt: '2026-12-07T22:00:00.000Z',
        }),
      ).toBe(true);
      expect(await store.updateBriefSubscription('nobody', { state: 'confirmed' })).toBe(false);
      expect((await store.listBriefSubscriptions()).map((s) => s.person)).toEqual(['analyst']);
      expect(await store.listBriefSubscriptions({ dueBy: '2026-12-07T21:59:59.000Z' })).toEqual([]);
      expect(await store.listBriefSubscriptions({ dueBy: '2026-12-07T22:00:00.000Z' })).toHaveLength(1);
      expect(await store.deleteBriefSubscription('analyst')).toBe(true);
      expect(await store.deleteBriefSubscription('analyst')).toBe(false);
      expect(await store.getBriefSubscription({ person: 'analyst' })).toBeNull();
    }));

  it('queues a mail id once, hands each due mail to one sender, and lets a lapsed claim fall due again', () =>
    withStore(async (store) => {
      expect(
        await store.enqueueMail([
          mail('brief:analyst:2026-12-08'),
          mail('confirm:officer:x', { kind: 'confirm', person: 'officer' }),
        ]),
      ).toEqual(['brief:analyst:2026-12-08', 'confirm:officer:x']);
      // The same person and day again: nothing new (one brief per person and day).
      expect(
        await store.enqueueMail([mail('brief:analyst:2026-12-08', { message: '{"changed":1}' })]),
      ).toEqual([]);
      expect([
        ...(await store.mailIdsHeld(['brief:analyst:2026-12-08', 'brief:analyst:2026-12-09'])),
      ]).toEqual(['brief:analyst:2026-12-08']);
      expect(await store.claimDueMail('2026-12-07T21:59:00.000Z', '2026-12-07T22:05:00.000Z', 10)).toEqual(
        [],
      );
      const first = await store.claimDueMail('2026-12-07T22:00:00.000Z', '2026-12-07T22:05:00.000Z', 10);
      expect(first.map((m) => [m.id, m.state, m.message])).toEqual([
        ['brief:analyst:2026-12-08', 'sending', '{"subject":"brief"}'],
        ['confirm:officer:x', 'sending', '{"subject":"brief"}'],
      ]);
      // Claimed: another sender gets nothing until the lease runs out.
      expect(await store.claimDueMail('2026-12-07T22:01:00.000Z', '2026-12-07T22:06:00.000Z', 10)).toEqual(
        [],
      );
      await store.settleMail('confirm:officer:x', {
        state: 'sent',
        attempts: 1,
        sentAt: '2026-12-07T22:00:01Z',
      });
      // The sender of the brief stopped: once its lease lapses the brief is due again.
      const again = await store.claimDueMail('2026-12-07T22:05:00.000Z', '2026-12-07T22:10:00.000Z', 10);
      expect(again.map((m) => m.id)).toEqual(['brief:analyst:2026-12-08']);
      // The stalled sender's word no longer counts; the new holder's does.
      const retry = {
        state: 'queued',
        attempts: 1,
        nextAttemptAt: '2026-12-07T22:07:00.000Z',
        lastError: '451 try later',
      } as const;
      expect(await store.settleMail('brief:analyst:2026-12-08', retry, '2026-12-07T22:05:00.000Z')).toBe(
        false,
      );
      expect(await store.settleMail('brief:analyst:2026-12-08', retry, '2026-12-07T22:10:00.000Z')).toBe(
        true,
      );
      expect((await store.listMail({ state: 'queued' }))[0]).toMatchObject({
        attempts: 1,
        lastError: '451 try later',
      });
      expect((await store.listMail({ kind: 'confirm' }))[0]).toMatchObject({ state: 'sent', attempts: 1 });
      expect(await store.listMail({ person: 'nobody' })).toEqual([]);
    }));
}
