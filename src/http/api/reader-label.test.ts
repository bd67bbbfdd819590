import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InProcessNode,
  inProcessNodes,
  queuedRelease,
} from '../../node/exchange/test-support/in-process.js';
import { eventually, PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { buildApp, type ReltoApp } from '../app.js';

/**
 * The item answer carries the label as its reader sees it (R6, R7): a Korean 군사II급비밀 report released to
 * Japan is shown to Japan's analyst as 極秘 with the Korean original beside it, in Japanese unless the
 * request asks for another language.
 */
describe('the label rendered for the reader in item answers', () => {
  let env: { nodes: Record<string, InProcessNode>; cleanup: () => Promise<void> };
  let app: ReltoApp;
  let item: string;
  const auth = `Basic ${Buffer.from(`analyst:${PASSWORD}`).toString('base64')}`;
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ url, headers: { authorization: auth, ...headers } });

  beforeAll(async () => {
    env = await inProcessNodes(['KOR', 'JPN']);
    item = (await queuedRelease(env.nodes.KOR!)).item;
    const jpn = env.nodes.JPN!;
    const analyst = await jpn.person('analyst');
    await eventually(async () => (await jpn.node.getObject(analyst, item, {})).objects.length > 0);
    app = await buildApp(jpn.node);
    await app.ready();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it("shows Japan's analyst 極秘 with Korea's 군사II급비밀 beside it, in Japanese by default (R6)", async () => {
    const res = await get(`/api/v1/items/${item}`);
    expect(res.statusCode, res.body).toBe(200);
    const label = res.json().label;
    expect(label.lang).toBe('ja');
    expect(label.banner).toMatch(/^極秘 〔大韓民国：군사II급비밀〕/);
    expect(label.banner).toContain('日本国');
    expect(label.lines[0].classification).toMatchObject({ party: 'JPN', level: 'GOKUHI', native: '極秘' });
    expect(label.lines[0].original).toMatchObject({ party: 'KOR', level: 'II' });
    expect(label.lines[0].equivalence).toMatchObject({ covered: true, agreement: 'KOR-JPN-GSOMIA' });
  });

  it('takes the language from Accept-Language, by preference, when ?lang= is absent', async () => {
    const en = (
      await get(`/api/v1/items/${item}`, { 'accept-language': 'fr-FR, en;q=0.8, ko;q=0.5' })
    ).json();
    expect(en.label.lang).toBe('en');
    expect(en.label.banner).toMatch(/^極秘 \[Republic of Korea: 군사II급비밀 \(.+\)\]/);
    expect(en.label.banner).toContain('REL TO KOR, JPN');
    const ko = (await get(`/api/v1/items/${item}`, { 'accept-language': 'ko-KR' })).json();
    expect(ko.label.lang).toBe('ko');
    expect(ko.label.banner).toContain('제공 가능: 대한민국, 일본국');
  });

  it('lets ?lang= win over Accept-Language', async () => {
    const res = await get(`/api/v1/items/${item}?lang=en`, { 'accept-language': 'ja' });
    expect(res.json().label.lang).toBe('en');
    expect(res.json().label.banner).toContain('REL TO KOR, JPN');
  });

  it("falls back to the reader's nation's language when Accept-Language names none it supports", async () => {
    const res = await get(`/api/v1/items/${item}`, { 'accept-language': 'fr-FR, de;q=0.9, *;q=0.1' });
    expect(res.statusCode).toBe(200);
    expect(res.json().label.lang).toBe('ja');
  });

  it('refuses an unknown ?lang= with 400 UNSUPPORTED_LANGUAGE, on one item and on the list', async () => {
    for (const url of [`/api/v1/items/${item}?lang=fr`, '/api/v1/items?lang=xx']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toEqual({
        error: { code: 'UNSUPPORTED_LANGUAGE', message: expect.stringContaining('ko, '), path: '/lang' },
      });
    }
  });

  it("gives each listed item's banner, the same one the item answer carries", async () => {
    const one = (await get(`/api/v1/items/${item}?lang=ko`)).json();
    const list = (await get(`/api/v1/items?lang=ko&id=${encodeURIComponent(item)}`)).json();
    expect(list.banners[item]).toBe(one.label.banner);
  });
});
