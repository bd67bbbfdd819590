import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strings } from '../src/screens/news/strings.js';
import {
  at,
  type DemoGroup,
  LANGS,
  type Lang,
  langMismatches,
  type Party,
  type PersonContext,
  personContext,
  screenshot,
  settle,
  signIn,
  startBrowser,
  startDemoGroup,
  textOf,
} from './test-support/index.js';

/*
 * The News screen and the daily brief's settings on the demo's real nodes: the demo's news (taken in from one
 * feed file by every node) listed with the headlines as published and the places named as each reader's nation
 * names them; an item's text as published with its mentions marked; subscribing through the form leaves a
 * subscription pending until it is confirmed from the e-mail.
 */

const TAKESHIMA = '竹島周辺で韓国の海洋調査、外務省が抗議';
const EAST_SEA = 'North Korea fires ballistic missile toward the East Sea';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type NewsStrings = { list: string; places: string; item: { entities: string; text: string } };
const names = (lang: Lang) => strings[lang] as unknown as NewsStrings;

const browser = await startBrowser();

describe.skipIf(!browser)('the News screen on the demo’s nodes', { timeout: 120_000 }, () => {
  let group: DemoGroup;
  const people = new Map<string, PersonContext>();

  async function as(party: Party, lang: Lang): Promise<Page> {
    const key = `${party}/${lang}`;
    let p = people.get(key);
    if (!p) {
      p = await personContext(browser!, group.nodes[party]);
      await signIn(p.page, p.node, 'analyst', lang);
      people.set(key, p);
    }
    return p.page;
  }

  /** The row of a headline, scrolled into the virtualised list (the node may still be polling its feed). */
  async function row(page: Page, lang: Lang, headline: string): Promise<Locator> {
    const end = Date.now() + 60_000;
    for (;;) {
      await page.goto(at('/news', lang));
      await settle(page);
      const scroller = page.getByRole('region', { name: names(lang).list, exact: true });
      const found = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: headline }) });
      for (let i = 0; i < 30; i++) {
        if ((await found.count()) > 0) {
          await found.first().scrollIntoViewIfNeeded();
          return found.first();
        }
        const done = await scroller.evaluate((el) => {
          const bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
          el.scrollBy(0, el.clientHeight / 2);
          return bottom;
        });
        await page.waitForTimeout(150);
        if (done && (await found.count()) === 0) break;
      }
      if (Date.now() > end) throw new Error(`${headline}: not in the news list within 60 s`);
      await page.waitForTimeout(1_000);
    }
  }

  async function places(item: Locator, lang: Lang): Promise<string[]> {
    return item
      .getByRole('list', { name: names(lang).places, exact: true })
      .getByRole('listitem')
      .allTextContents();
  }

  beforeAll(async () => {
    group = await startDemoGroup();
  }, 180_000);

  afterAll(async () => {
    for (const p of people.values()) await p.close().catch(() => undefined);
    await group?.close();
    await browser?.close();
  }, 60_000);

  it('lists the same headlines as published, with the places a KOR reader calls 독도 and 동해 and a JPN reader 竹島 and 日本海', async () => {
    const kor = await as('KOR', 'ko');
    expect(await places(await row(kor, 'ko', TAKESHIMA), 'ko')).toContain('독도');
    expect(await places(await row(kor, 'ko', EAST_SEA), 'ko')).toContain('동해');
    const jpn = await as('JPN', 'ja');
    expect(await places(await row(jpn, 'ja', TAKESHIMA), 'ja')).toContain('竹島');
    const jpnEastSea = await places(await row(jpn, 'ja', EAST_SEA), 'ja');
    expect(jpnEastSea).toContain('日本海');
    expect(jpnEastSea).not.toContain('동해');
  });

  it('opens an item: its text exactly as published with the mentions marked, the entities named for the reader', async () => {
    const kor = await as('KOR', 'ko');
    await (await row(kor, 'ko', TAKESHIMA)).getByRole('link', { name: TAKESHIMA }).click();
    const article = kor.getByRole('article');
    await article.getByRole('heading', { name: TAKESHIMA }).waitFor({ timeout: 15_000 });
    await settle(kor);
    const quoted = await textOf(article.locator('blockquote'));
    expect(quoted).toContain('竹島');
    expect(quoted).not.toContain('독도');
    expect(await article.locator('blockquote mark').allTextContents()).toContain('竹島');
    const entities = await article.locator('.news-entities .entity-name').allTextContents();
    expect(entities).toContain('독도');
    // The address says which item is open: a reload shows it again.
    expect(new URL(kor.url()).searchParams.get('item')).toMatch(/^report--/);
  });

  it('shows the brief the demo subscribed the analyst to as confirmed; a new address waits for its confirmation; unsubscribing ends it', async () => {
    const page = await as('KOR', 'en');
    await page.goto(at('/news', 'en'));
    await settle(page);
    const brief = page.getByRole('region', { name: 'Daily brief by e-mail', exact: true });
    // At first start the demo's analysts subscribe and confirm from the mail that reaches the demo's sink.
    await brief.locator('.brief-state').filter({ hasText: 'Confirmed' }).waitFor({ timeout: 15_000 });
    const before = await page.evaluate(async () => (await fetch('/api/v1/brief/subscription')).json());
    expect(before).toMatchObject({
      email: 'analyst@kor.relto.example',
      timeZone: 'Asia/Seoul',
      state: 'confirmed',
    });
    await brief.getByRole('textbox', { name: 'E-mail address', exact: true }).fill('analyst@kor.example');
    await brief.getByLabel('Time', { exact: true }).fill('07:30');
    await brief.getByRole('button', { name: 'Replace subscription', exact: true }).click();
    await brief
      .getByRole('status')
      .filter({ hasText: 'A confirmation e-mail was sent to analyst@kor.example' })
      .waitFor({ timeout: 15_000 });
    expect(await textOf(brief.locator('.brief-state'))).toBe('Waiting for your confirmation');
    expect(await textOf(brief.locator('.brief-note'))).toContain('Nothing arrives until');
    const held = await page.evaluate(async () => (await fetch('/api/v1/brief/subscription')).json());
    // A new address is confirmed again; the rest of the form kept what the subscription had.
    expect(held).toMatchObject({
      email: 'analyst@kor.example',
      time: '07:30',
      timeZone: 'Asia/Seoul',
      lang: 'ko',
      topics: [],
      state: 'pending',
    });
    await brief.getByRole('button', { name: 'Unsubscribe', exact: true }).click();
    await brief.getByText('You are not subscribed.').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(async () => (await fetch('/api/v1/brief/subscription')).status)).toBe(404);
  });

  it('is accessible in ko, ja and en (WCAG 2.2 AA), with every Korean or Japanese passage in its own lang', async () => {
    const problems: string[] = [];
    for (const lang of LANGS) {
      const page = await as('KOR', lang);
      await (await row(page, lang, TAKESHIMA)).getByRole('link', { name: TAKESHIMA }).click();
      await page.getByRole('article').getByRole('heading', { name: TAKESHIMA }).waitFor({ timeout: 15_000 });
      await settle(page);
      await screenshot(page, lang, 'news-item');
      const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      for (const v of result.violations) {
        if (v.impact !== 'serious' && v.impact !== 'critical') continue;
        problems.push(
          `${lang}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      }
      for (const m of await langMismatches(page)) {
        problems.push(`${lang}: "${m.text}" (${m.script}) inside lang=${m.closestLang ?? 'none'}`);
      }
    }
    expect(problems).toEqual([]);
    for (const p of people.values()) expect(p.foreign).toEqual([]);
  });
});
