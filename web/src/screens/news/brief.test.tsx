import i18next from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { initReactI18next } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setCsrf } from '../../api/client.js';
import { SubscriptionState } from './Brief.js';
import {
  formFor,
  formProblem,
  readSubscription,
  type Subscription,
  subscribe,
  timeZones,
  unsubscribe,
} from './brief.js';
import { strings } from './strings.js';

const PENDING: Subscription = {
  email: 'analyst@example.org',
  time: '07:30',
  timeZone: 'Asia/Seoul',
  lang: 'ko',
  topics: ['DPRK-MISSILE'],
  state: 'pending',
  requestedAt: '2026-12-07T00:00:00.000Z',
};

interface Asked {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** Answers every request with `status` and `body`, and keeps what was asked. */
function node(status: number, body?: unknown): Asked[] {
  const asked: Asked[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    asked.push({
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      ...(init.body ? { body: JSON.parse(init.body as string) } : {}),
    });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
  return asked;
}

describe('the brief subscription, as the browser asks the node for it', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrf(null);
  });

  it('reads the subscription, and none when the node answers 404', async () => {
    node(200, PENDING);
    expect(await readSubscription()).toEqual(PENDING);
    node(404, { error: { code: 'NOT_FOUND', message: 'no subscription' } });
    expect(await readSubscription()).toBeNull();
    node(500, { error: { code: 'INTERNAL', message: 'down' } });
    await expect(readSubscription()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('subscribes with every field and the CSRF value, and unsubscribes with DELETE', async () => {
    setCsrf('csrf-1');
    const asked = node(202, PENDING);
    const held = await subscribe({ ...formFor(null, 'ko', 'Asia/Seoul'), email: ' analyst@example.org ' });
    expect(held.state).toBe('pending');
    expect(asked[0]).toMatchObject({
      url: '/api/v1/brief/subscription',
      method: 'POST',
      headers: { 'x-relto-csrf': 'csrf-1' },
      body: { email: 'analyst@example.org', time: '07:00', timeZone: 'Asia/Seoul', lang: 'ko', topics: [] },
    });
    const gone = node(204);
    await unsubscribe();
    expect(gone[0]).toMatchObject({ url: '/api/v1/brief/subscription', method: 'DELETE' });
  });
});

describe('the brief form', () => {
  it('starts from the browser’s zone, the page’s language and every topic; else from the subscription held', () => {
    expect(formFor(null, 'ja', 'Asia/Tokyo')).toEqual({
      email: '',
      time: '07:00',
      timeZone: 'Asia/Tokyo',
      lang: 'ja',
      topics: [],
    });
    expect(formFor(PENDING, 'en')).toMatchObject({ email: PENDING.email, time: '07:30', lang: 'ko' });
  });

  it('always offers the zone chosen, even one the browser does not list', () => {
    expect(timeZones('Asia/Seoul')).toContain('Asia/Seoul');
    expect(timeZones('Etc/Nowhere')[0]).toBe('Etc/Nowhere');
  });

  it('says what to mend before sending: an address that is not one, a time not HH:MM', () => {
    const ok = { ...formFor(null, 'en', 'UTC'), email: 'a@b.example' };
    expect(formProblem(ok)).toBeNull();
    expect(formProblem({ ...ok, email: 'nobody' })).toBe('email');
    expect(formProblem({ ...ok, time: '24:00' })).toBe('time');
  });
});

describe('the subscription as the person sees it', () => {
  beforeAll(async () => {
    await i18next.use(initReactI18next).init({
      resources: { en: { news: strings.en }, ko: { news: strings.ko } },
      lng: 'en',
      fallbackLng: false,
      interpolation: { escapeValue: false },
    });
  });

  it('says a pending one waits: a confirmation e-mail was sent and nothing arrives until it is confirmed', () => {
    const html = renderToStaticMarkup(
      <SubscriptionState held={PENDING} lang="en" topicName={(t) => `«${t}»`} />,
    );
    expect(html).toContain('Waiting for your confirmation');
    expect(html).toContain('A confirmation e-mail was sent to analyst@example.org');
    expect(html).toContain('Nothing arrives until');
    expect(html).toContain('07:30 (Asia/Seoul)');
    expect(html).toContain('«DPRK-MISSILE»');
  });

  it('says a confirmed one is confirmed, with no waiting note, and every topic when none was chosen', () => {
    const html = renderToStaticMarkup(
      <SubscriptionState
        held={{ ...PENDING, state: 'confirmed', topics: [], confirmedAt: '2026-12-07T01:00:00.000Z' }}
        lang="en"
        topicName={(t) => t}
      />,
    );
    expect(html).toContain('Confirmed');
    expect(html).not.toContain('Nothing arrives');
    expect(html).toContain('All topics');
  });

  it('says so when the person has none', () => {
    expect(renderToStaticMarkup(<SubscriptionState held={null} lang="en" topicName={(t) => t} />)).toContain(
      'You are not subscribed.',
    );
  });
});
