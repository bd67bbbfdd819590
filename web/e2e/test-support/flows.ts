import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { Locator, Page } from 'playwright-core';
// The track folder's own files, not its index: the index reaches node TLS code whose types clash with the DOM
// library these tests compile with (page.evaluate's callbacks run in the page).
import { loadLaunches } from '../../../src/track/replay.js';
import { flightUpdates } from '../../../src/track/simulate.js';
import type { DemoNode } from './demo-group.js';
import { NAMES } from './names.js';

/*
 * Steps of the workspace that more than one browser test takes. Where §10 names the control, the name is used
 * as is; where it leaves the control open (the release form's partner and its send button), the step looks for
 * the ordinary names a form would use, in this one place, so a renamed control is fixed here once.
 */

export interface Paragraph {
  text: string;
  /** The native level name of the writer's scheme (군사II급비밀). */
  classification: string;
  releasableTo: string[];
}

/** Writes a report in the editor (`/write`, in English) and saves it; answers the new item's id (from the reader's address). */
export async function writeReport(
  page: Page,
  report: { title: string; titleClassification: string; paragraphs: Paragraph[] },
): Promise<string> {
  await page.goto('/write?lang=en');
  await page.getByRole('textbox', { name: NAMES.title, exact: true }).fill(report.title);
  await page
    .getByRole('combobox', { name: NAMES.titleClassification, exact: true })
    .selectOption({ label: report.titleClassification });
  const texts = page.getByRole('textbox', { name: NAMES.paragraphText, exact: true });
  const add = page.getByRole('button', { name: NAMES.addParagraph, exact: true });
  while ((await texts.count()) < report.paragraphs.length) {
    const before = await texts.count();
    await add.click();
    await texts.nth(before).waitFor();
  }
  const classes = page.getByRole('combobox', { name: NAMES.classification, exact: true });
  const groups = page.getByRole('group', { name: NAMES.releasableTo, exact: true });
  for (const [i, p] of report.paragraphs.entries()) {
    await classes.nth(i).selectOption({ label: p.classification });
    for (const party of ['KOR', 'JPN', 'USA']) {
      const box = groups.nth(i).getByRole('checkbox', { name: party, exact: true });
      if ((await box.count()) === 0 || (await box.isDisabled())) continue; // the originator is always in
      await box.setChecked(p.releasableTo.includes(party));
    }
    await texts.nth(i).fill(p.text);
  }
  await page.getByRole('button', { name: NAMES.save, exact: true }).click();
  await page.waitForURL(/\/items\/report--[0-9a-f-]{36}/, { timeout: 15_000 });
  return /\/items\/(report--[0-9a-f-]{36})/.exec(page.url())![1]!;
}

/** The release form's partner control (a combobox named "Partner", else radio buttons or checkboxes named by party). */
export function partnerControl(page: Page): Locator {
  return page.getByRole('combobox', { name: /partner/i });
}

/** The button that sends the release form (after "Request release" opened it). */
export function sendControl(page: Page): Locator {
  return page.getByRole('button', {
    name: /^(send|submit|file|request|send request|file request|confirm)$/i,
  });
}

/** Opens the release form on the reader, picks the partner; answers the form's text (the preview) before sending. */
export async function openReleaseForm(page: Page, partner: string): Promise<void> {
  await page.getByRole('button', { name: NAMES.requestRelease, exact: true }).first().click();
  const combo = partnerControl(page);
  await combo
    .or(page.getByRole('radio', { name: partner }))
    .first()
    .waitFor({ timeout: 10_000 });
  if ((await combo.count()) > 0) await combo.first().selectOption(partner);
  else await page.getByRole('radio', { name: partner }).first().check();
}

/** Sends the open release form. */
export async function sendReleaseForm(page: Page): Promise<void> {
  const send = sendControl(page);
  if ((await send.count()) > 0) await send.first().click();
  else await page.getByRole('button', { name: NAMES.requestRelease, exact: true }).last().click();
}

/** A queue's row (release or consent request) that names `text` and has the "Approve" button. */
export function queueRow(page: Page, text: string): Locator {
  return page
    .getByRole('row')
    .or(page.getByRole('listitem'))
    .filter({ hasText: text })
    .filter({ has: page.getByRole('button', { name: NAMES.approve, exact: true }) })
    .first();
}

/** Approves the request naming `text` in a queue (`/releases` or `/consents`), as the signed-in officer. */
export async function approveIn(page: Page, path: string, text: string): Promise<void> {
  await page.goto(`${path}?lang=en`);
  const row = queueRow(page, text);
  await row.waitFor({ timeout: 20_000 });
  await row.getByRole('button', { name: NAMES.approve, exact: true }).click();
  // A note may be asked for in a dialog: confirm it with its own "Approve".
  const dialog = page.getByRole('dialog');
  if (await dialog.isVisible().catch(() => false)) {
    await dialog.getByRole('button', { name: NAMES.approve, exact: true }).click();
  }
}

/**
 * One simulated launch update, sent to a node's CoT TCP input (a loopback sensor, contracts §7) under its own
 * uid; it takes the input's feed label (KOR-MW-1: releasable to KOR, JPN and USA). Answers the uid.
 */
export async function sendLaunch(node: DemoNode, uid = `E2E-${randomUUID().slice(0, 8)}`): Promise<string> {
  const launches = loadLaunches();
  const update = flightUpdates(launches[launches.length - 1]!, {
    seed: 7,
    launchTime: new Date().toISOString(),
  }).next().value!;
  const xml = update.xml.replace(/uid="[^"]*"/, `uid="${uid}"`);
  await new Promise<void>((resolve, reject) => {
    const s = connect(node.cotTcp, '127.0.0.1', () => s.end(xml, () => resolve()));
    s.once('error', reject);
  });
  return uid;
}
