import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReltoClient } from '../../src/client/index.js';
import {
  type DemoGroup,
  type DemoNode,
  NAMES,
  NAV,
  type PersonContext,
  type PersonName,
  partnerControl,
  personContext,
  postAs,
  queueRow,
  releasableReport,
  sendControl,
  settle,
  signInNames,
  startBrowser,
  startDemoGroup,
  tabTo,
} from './test-support/index.js';

/*
 * The release flow with the keyboard alone (issue 12 "Tests"): Tab, Enter, Space and the arrow keys; the test
 * never clicks. The analyst signs in, opens the report from the inbox, asks for its release to Japan; the
 * releasing officer signs in and approves it; Japan's node then holds it.
 */

const browser = await startBrowser();

async function keyboardSignIn(page: Page, node: DemoNode, person: PersonName): Promise<void> {
  const names = signInNames('en');
  await page.goto('/signin?lang=en');
  await tabTo(page, page.getByRole('textbox', { name: names.user, exact: true }), 'User');
  await page.keyboard.type(person);
  await page.keyboard.press('Tab');
  await page.keyboard.type(node.password(person));
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: NAMES.main, exact: true }).waitFor({ timeout: 15_000 });
}

async function keyboardSignOut(page: Page): Promise<void> {
  await tabTo(page, page.getByRole('button', { name: NAMES.signOut, exact: true }), 'Sign out');
  await page.keyboard.press('Enter');
  await page.getByRole('textbox', { name: NAMES.user, exact: true }).waitFor({ timeout: 15_000 });
}

describe.skipIf(!browser)('the release flow with the keyboard alone', () => {
  let group: DemoGroup;
  let me: PersonContext;
  const low = `KEYS${randomUUID().slice(0, 8)}`;
  const report = releasableReport(low);
  const title = `Harbour survey ${low}`;

  beforeAll(async () => {
    group = await startDemoGroup();
    await postAs(group.nodes.KOR, 'analyst', [report]);
    me = await personContext(browser!, group.nodes.KOR);
  }, 180_000);

  afterAll(async () => {
    await me?.close().catch(() => undefined);
    await group?.close();
    await browser?.close();
  }, 60_000);

  it('the analyst asks for a release and another person approves it, with Tab, Enter, Space and arrows only', async () => {
    const { page } = me;
    await keyboardSignIn(page, me.node, 'analyst');

    // The inbox, then the report, by keyboard.
    await tabTo(page, page.getByRole('link', { name: NAV['/inbox']!, exact: true }), 'Inbox link');
    await page.keyboard.press('Enter');
    await settle(page);
    const link = page.getByRole('link', { name: new RegExp(title) }).first();
    await link.waitFor({ timeout: 20_000 });
    await tabTo(page, link, 'the report in the inbox', 200);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/items/${report.id}`));
    await settle(page);

    await tabTo(
      page,
      page.getByRole('button', { name: NAMES.requestRelease, exact: true }).first(),
      'Request release',
    );
    await page.keyboard.press('Enter');
    const partner = partnerControl(page).first();
    await tabTo(page, partner, 'the partner');
    // A closed select takes the arrow keys: down until Japan is chosen.
    for (let i = 0; i < 5 && (await partner.inputValue()) !== 'JPN'; i++)
      await page.keyboard.press('ArrowDown');
    expect(await partner.inputValue()).toBe('JPN');
    await tabTo(page, sendControl(page).first(), 'the send button');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await keyboardSignOut(page);

    await keyboardSignIn(page, me.node, 'officer');
    await tabTo(page, page.getByRole('link', { name: NAV['/releases']!, exact: true }), 'Releases link');
    await page.keyboard.press('Enter');
    await settle(page);
    const row = queueRow(page, title);
    await row.waitFor({ timeout: 20_000 });
    await tabTo(page, row.getByRole('button', { name: NAMES.approve, exact: true }), 'Approve', 200);
    await page.keyboard.press('Space');
    // A note asked for in a dialog is confirmed by keyboard too.
    const dialog = page.getByRole('dialog');
    if (await dialog.isVisible().catch(() => false)) {
      await tabTo(
        page,
        dialog.getByRole('button', { name: NAMES.approve, exact: true }),
        'Approve in the dialog',
      );
      await page.keyboard.press('Enter');
    }

    // The release happened: Japan's node holds the report.
    const jpn = group.nodes.JPN;
    const c = new ReltoClient({ node: jpn.http, user: 'analyst', password: jpn.password('analyst') });
    await c.signIn();
    const end = Date.now() + 30_000;
    let got = '';
    while (!got.includes(report.id) && Date.now() < end) {
      got = JSON.stringify(await c.get(report.id).catch(() => ({})));
      if (!got.includes(report.id)) await new Promise((r) => setTimeout(r, 250));
    }
    await c.signOut();
    expect(got).toContain(report.id);
    expect(me.foreign).toEqual([]);
  }, 120_000);
});
