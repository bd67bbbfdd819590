import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReltoClient } from '../../src/client/index.js';
import {
  approveIn,
  at,
  type DemoGroup,
  NAMES,
  openReleaseForm,
  PARTIES,
  type Party,
  type PersonContext,
  type PersonName,
  personContext,
  sendLaunch,
  sendReleaseForm,
  settle,
  signIn,
  startBrowser,
  startDemoGroup,
  textOf,
  writeReport,
} from './test-support/index.js';

/*
 * The mission's story (issue 12 "Tests"), end to end in browsers on three real nodes: Korea writes, releases to
 * Japan; Japan reads 極秘 with 군사II급비밀 beside it, the Korea-only paragraph withheld; Japan forwards to the US
 * with Korea's consent; the US reads it; a launch reaches all three maps within a second; every node's audit
 * entries verify in the browser.
 */

const browser = await startBrowser();

describe.skipIf(!browser)('the mission in browsers on three nodes', { timeout: 90_000 }, () => {
  let group: DemoGroup;
  const people = new Map<string, PersonContext>();
  const nonce = randomUUID().slice(0, 8);
  const title = `Sinpo SLBM test ${nonce}`;
  const paragraphs = [
    { text: `Launch detected at 06:12 from Sinpo ${nonce}.`, releasableTo: ['KOR', 'JPN'] },
    { text: `Apogee about 50 km, range about 600 km ${nonce}.`, releasableTo: ['KOR', 'JPN'] },
    { text: `Korea only: the shipyard source ${nonce} reported the loading.`, releasableTo: ['KOR'] },
  ];
  let item = '';

  /** One signed-in browser context per node and person, opened once and reused. */
  async function as(party: Party, person: PersonName): Promise<PersonContext> {
    const key = `${party}/${person}`;
    let p = people.get(key);
    if (!p) {
      p = await personContext(browser!, group.nodes[party]);
      await signIn(p.page, p.node, person, 'en');
      people.set(key, p);
    }
    return p;
  }

  async function api(party: Party, person: PersonName): Promise<ReltoClient> {
    const node = group.nodes[party];
    const c = new ReltoClient({ node: node.http, user: person, password: node.password(person) });
    await c.signIn();
    return c;
  }

  async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check().catch(() => false))) {
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    group = await startDemoGroup();
  }, 180_000);

  afterAll(async () => {
    for (const p of people.values()) await p.close().catch(() => undefined);
    await group?.close();
    await browser?.close();
  }, 60_000);

  it("Korea's analyst writes a three-paragraph report, one paragraph Korea-only; the banner is computed as she types", async () => {
    const { page } = await as('KOR', 'analyst');
    item = await writeReport(page, {
      title,
      titleClassification: '군사II급비밀',
      paragraphs: paragraphs.map((p) => ({ ...p, classification: '군사II급비밀' })),
    });
    await settle(page);
    const banners = page.getByRole('region', { name: NAMES.banner, exact: true });
    expect(await banners.count()).toBe(2);
    expect(await textOf(banners.first())).toContain('군사II급비밀');
    expect(await page.getByRole('article').count()).toBe(3);
  });

  it("Korea's analyst asks to release it to Japan, seeing first what Japan will see (極秘, the Korea-only paragraph withheld)", async () => {
    expect(item, 'the report the first step wrote').not.toBe('');
    const { page } = await as('KOR', 'analyst');
    await page.goto(at(`/items/${item}`, 'en'));
    await settle(page);
    await openReleaseForm(page, 'JPN');
    await expect.poll(() => textOf(page.locator('main')), { timeout: 10_000 }).toContain('極秘');
    await sendReleaseForm(page);
  });

  it("Korea's releasing officer, another person, approves the release to Japan", async () => {
    expect(item, 'the report the first step wrote').not.toBe('');
    const { page } = await as('KOR', 'officer');
    await approveIn(page, '/releases', title);
    const jpn = await api('JPN', 'analyst');
    await until('the report at JPN', async () => JSON.stringify(await jpn.get(item)).includes(item));
    await jpn.signOut();
  });

  it("Japan's analyst finds it in the inbox marked 極秘 with 군사II급비밀 beside it, the Korea-only paragraph withheld and never sent to her browser", async () => {
    expect(item, 'the report the first step wrote').not.toBe('');
    const me = await as('JPN', 'analyst');
    const { page } = me;
    await page.goto(at('/inbox', 'en'));
    await settle(page);
    const row = page.getByRole('link', { name: new RegExp(title) }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await page.waitForURL(new RegExp(`/items/${item}`));
    await settle(page);
    const banners = page.getByRole('region', { name: NAMES.banner, exact: true });
    expect(await banners.count()).toBe(2);
    for (const b of [banners.first(), banners.last()])
      expect(await textOf(b)).toMatch(/^\s*極秘.*군사II급비밀/s);
    const articles = page.getByRole('article');
    expect(await articles.count()).toBe(3);
    expect(await textOf(articles.nth(0))).toContain(paragraphs[0]!.text);
    const third = await textOf(articles.nth(2));
    expect(third).toContain(NAMES.withheld);
    expect(third).not.toMatch(/II급|極秘|秘/);
    const received = await me.received();
    expect(received.filter((r) => r.text.includes(`shipyard source ${nonce}`)).map((r) => r.url)).toEqual([]);
  });

  it("Japan's analyst asks to forward it to the US; Korea's officer grants consent; Japan's officer approves; the US analyst reads it", async () => {
    expect(item, 'the report the first step wrote').not.toBe('');
    const jpn = await as('JPN', 'analyst');
    await jpn.page.goto(at(`/items/${item}`, 'en'));
    await settle(jpn.page);
    await openReleaseForm(jpn.page, 'USA');
    // Korea's report may go to a third party only with Korea's consent naming it: the form asks for it.
    const ask = jpn.page.getByRole('button', { name: /consent/i }).first();
    await ask.waitFor({ timeout: 10_000 });
    await ask.click();

    const korOfficer = await as('KOR', 'officer');
    await approveIn(korOfficer.page, '/consents', title);

    const jpnApi = await api('JPN', 'analyst');
    await until('the consent at JPN', async () => {
      const list = (await jpnApi.consentRequests()) as {
        outgoing: { status: string; request: { item?: string } }[];
      };
      return list.outgoing.some((r) => r.status === 'granted' && JSON.stringify(r).includes(item));
    });
    await jpnApi.signOut();

    await jpn.page.goto(at(`/items/${item}`, 'en'));
    await settle(jpn.page);
    await openReleaseForm(jpn.page, 'USA');
    await sendReleaseForm(jpn.page);
    const jpnOfficer = await as('JPN', 'officer');
    await approveIn(jpnOfficer.page, '/releases', title);

    const usa = await as('USA', 'analyst');
    await until(
      'the forwarded report in the US inbox',
      async () => {
        await usa.page.goto(at('/inbox', 'en'));
        await settle(usa.page);
        return (await usa.page.getByRole('link', { name: new RegExp(title) }).count()) > 0;
      },
      45_000,
    );
    await usa.page.goto(at(`/items/${item}`, 'en'));
    await settle(usa.page);
    const banner = await textOf(usa.page.getByRole('region', { name: NAMES.banner, exact: true }).first());
    expect(banner).toContain('군사II급비밀'); // the originator's original beside the US level
    expect(await textOf(usa.page.getByRole('article').nth(0))).toContain(paragraphs[0]!.text);
  }, 120_000);

  it('a simulated launch appears on all three maps within 1 s', async () => {
    const watchers = await Promise.all(PARTIES.map((party) => as(party, 'watch')));
    for (const w of watchers) {
      await w.page.goto(at('/map', 'en'));
      await settle(w.page);
      await w.page.getByRole('region', { name: NAMES.map, exact: true }).waitFor();
    }
    const tracks = (w: PersonContext) => w.page.getByRole('list', { name: NAMES.tracks, exact: true });
    // Warm up: the hub links between the nodes are up once a first event of ours reaches every map.
    await until(
      'a first launch on all three maps',
      async () => {
        const uid = await sendLaunch(group.nodes.KOR);
        await new Promise((r) => setTimeout(r, 1_500));
        const seen = await Promise.all(
          watchers.map(async (w) => (await tracks(w).getByText(uid).count()) > 0),
        );
        return seen.every(Boolean);
      },
      60_000,
    );
    const uid = `E2E-${nonce}`;
    const sent = Date.now();
    await sendLaunch(group.nodes.KOR, uid);
    const took = await Promise.all(
      watchers.map(async (w) => {
        const entry = tracks(w).getByRole('listitem').filter({ hasText: uid }).first();
        await entry.waitFor({ timeout: 5_000 });
        return { party: w.node.party, ms: Date.now() - sent, text: await textOf(entry) };
      }),
    );
    for (const t of took) {
      expect(t.ms, `${t.party}'s map`).toBeLessThanOrEqual(1_000);
      // Each item names the track's type (a hostile missile, a-h-A-W-M-S-S) and the parties it was sent to.
      expect(t.text).toContain('a-h-A-W-M-S-S');
      expect(t.text).toMatch(/KOR|JPN|USA/);
    }
  }, 120_000);

  it("each node's audit entries verify in the browser against its signed head", async () => {
    for (const party of PARTIES) {
      const { page } = await as(party, 'analyst');
      await page.goto(at('/audit', 'en'));
      await settle(page);
      const buttons = page.getByRole('button', { name: NAMES.verify, exact: true });
      await buttons.first().waitFor({ timeout: 15_000 });
      // Handles, not indexes: a verified entry's button may change its name.
      const handles = (await buttons.elementHandles()).slice(0, 3);
      const n = handles.length;
      for (const h of handles) await h.click();
      await expect
        .poll(() => page.getByText(NAMES.verified, { exact: true }).count(), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(n);
      expect(await page.getByText(NAMES.notVerified, { exact: true }).count(), party).toBe(0);
    }
  }, 90_000);

  it('no page of the story asked another origin for anything', () => {
    expect(people.size).toBeGreaterThan(0);
    for (const p of people.values()) expect(p.foreign, `from ${p.node.party}`).toEqual([]);
  });
});
