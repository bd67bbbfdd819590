import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReltoNode, smtpTransport } from '../../node/index.js';
import { SmtpCatcher } from '../../node/test-support/smtp-catcher.js';
import { type Harness, harness } from '../test-support/harness.js';
import { realNode } from '../test-support/nodes.js';

/*
 * The daily brief over HTTP (contracts §11): a person subscribes themselves (202, a confirmation mailed to the
 * address), the mailed link confirms without signing in, one POST to the List-Unsubscribe URL ends it without
 * signing in (RFC 8058), and an administrator sends a day's briefs now.
 */

describe('/api/v1/brief and the links in its mail', () => {
  let h: Harness;
  let node: ReltoNode;
  let cleanup: () => Promise<void>;
  const smtp = new SmtpCatcher();
  const body = { email: 'analyst@mil.test', time: '07:00', timeZone: 'Asia/Seoul', lang: 'ko', topics: [] };

  beforeAll(async () => {
    await smtp.start();
    const made = await realNode('sqlite');
    node = made.node;
    cleanup = made.cleanup;
    node.brief.configure({ publicUrl: 'http://relto.test', transport: smtpTransport(smtp.url) });
    h = await harness(node);
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
    await smtp.stop();
  });

  const path = (url: string) => url.replace('http://relto.test', '');

  it('subscribes a person (202, pending) and confirms by the mailed link, without signing in', async () => {
    expect((await h.api('analyst', 'GET', '/api/v1/brief/subscription')).statusCode).toBe(404);
    const made = await h.api('analyst', 'POST', '/api/v1/brief/subscription', body);
    expect(made.statusCode, made.body).toBe(202);
    expect(made.json()).toMatchObject({ ...body, state: 'pending' });
    expect(made.json()).not.toHaveProperty('nextSendAt');
    const [mail] = await smtp.waitFor(1);
    const link = /(http:\/\/relto\.test\/brief\/confirm\?token=[\w-]+)/.exec(mail!.parsed.text!)![1]!;
    const confirmed = await h.app.inject({ method: 'GET', url: path(link) });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(confirmed.body).toContain('일일 브리핑 구독이 확인되었습니다.');
    const again = await h.app.inject({
      method: 'GET',
      url: path(link),
      headers: { 'accept-language': 'ja' },
    });
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('この確認リンクは無効です');
    const got = await h.api('analyst', 'GET', '/api/v1/brief/subscription');
    expect(got.json()).toMatchObject({ email: 'analyst@mil.test', state: 'confirmed' });
    expect(got.json().nextSendAt).toMatch(/T22:00:00\.000Z$/);
  });

  it('refuses a person who is not signed in, and bad fields with a 400 naming the field', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await h.app.inject({ method, url: '/api/v1/brief/subscription' });
      expect(res.statusCode).toBe(401);
    }
    for (const [change, at] of [
      [{ time: '25:00' }, '/time'],
      [{ timeZone: 'Asia/Atlantis' }, '/timeZone'],
      [{ email: 'nobody' }, '/email'],
      [{ topics: ['NOT-A-FEED-TOPIC'] }, '/topics/0'],
    ] as const) {
      const res = await h.api('analyst-low', 'POST', '/api/v1/brief/subscription', { ...body, ...change });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.path).toBe(at);
    }
    const lang = await h.api('analyst-low', 'POST', '/api/v1/brief/subscription', { ...body, lang: 'fr' });
    expect(lang.statusCode).toBe(400);
    expect((await h.api('analyst-low', 'GET', '/api/v1/brief/subscription')).statusCode).toBe(404);
    expect((await h.api('analyst-low', 'GET', '/api/v1/brief/topics')).json()).toEqual({ topics: [] });
  });

  it('sends the day’s briefs for an administrator only, and one POST to the unsubscribe link ends it', async () => {
    expect((await h.api('analyst', 'POST', '/api/v1/brief/send', {})).statusCode).toBe(403);
    const bad = await h.api('admin', 'POST', '/api/v1/brief/send', { date: '2026-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe('/date');
    const sent = await h.api('admin', 'POST', '/api/v1/brief/send', {});
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({ queued: 1, sent: 1, retrying: 0, failed: 0, relay: true });
    expect((await h.api('admin', 'POST', '/api/v1/brief/send', {})).json()).toMatchObject({ queued: 0 });
    const brief = (await smtp.waitFor(2))[1]!;
    const link =
      /<(http:\/\/relto\.test\/brief\/unsubscribe\?token=[\w-]+)>/.exec(
        brief.parsed.headers.get('list-unsubscribe') as string,
      )?.[1] ?? /<(http:\/\/relto\.test\/brief\/unsubscribe\?token=[\w-]+)>/.exec(brief.raw)![1]!;
    // Following the link (a mail scanner does) only shows the button.
    const shown = await h.app.inject({ method: 'GET', url: path(link) });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('<form method="post"');
    expect((await h.api('analyst', 'GET', '/api/v1/brief/subscription')).statusCode).toBe(200);
    // RFC 8058: the mail client's one POST, no session, no cookie.
    const oneClick = await h.app.inject({
      method: 'POST',
      url: path(link),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(oneClick.body).toContain('구독이 해지되었습니다');
    expect((await h.api('analyst', 'GET', '/api/v1/brief/subscription')).statusCode).toBe(404);
    const twice = await h.app.inject({
      method: 'POST',
      url: path(link),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(twice.statusCode).toBe(404);
  });

  it('ends a subscription by DELETE (204), then answers 404', async () => {
    expect((await h.api('security', 'POST', '/api/v1/brief/subscription', body)).statusCode).toBe(202);
    expect((await h.api('security', 'DELETE', '/api/v1/brief/subscription')).statusCode).toBe(204);
    expect((await h.api('security', 'DELETE', '/api/v1/brief/subscription')).statusCode).toBe(404);
  });
});
