import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReltoError } from '../../errors/index.js';
import type { Label } from '../../label/index.js';
import { type InProcessNode, inProcessNodes } from './test-support/in-process.js';
import { eventually, labelledReport, PASSWORD } from './test-support/three-nodes.js';

/**
 * Held consents join the label's consents in every decision on the item (R15–R17, issue 4 item 5), not only
 * in releases: a JPN holder of a KOR ORCON item copies it only once KOR's signed consent has come back
 * through the real consent flow (request → KOR's releasing officer → consent message → JPN's store).
 */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
}, 60_000);

afterAll(async () => cleanup?.());

/** A KOR item released to JPN and stored there. */
async function heldAtJpn(label: Label): Promise<string> {
  const kor = nodes.KOR!;
  const { report, bundle } = labelledReport(label);
  await kor.node.postObjects(await kor.person('analyst'), (bundle as { objects: unknown[] }).objects);
  const request = await kor.ex.exchange.fileRelease(await kor.person('analyst'), {
    item: report.id,
    to: 'JPN',
  });
  const approved = await kor.ex.exchange.approveRelease(await kor.person('officer'), request.id);
  expect(approved.status).toBe('pending');
  await eventually(() => nodes.JPN!.node.store.getObject(report.id));
  return report.id;
}

/** The reason codes of a refused custody step (or [] when it was permitted). */
async function refusal(step: () => Promise<unknown>): Promise<string[]> {
  try {
    await step();
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ReltoError);
    expect((e as ReltoError).code).toBe('FORBIDDEN');
    return ((e as ReltoError).details as { reasons: { code: string }[] }).reasons.map((r) => r.code);
  }
}

/** JPN asks KOR for consent; KOR's releasing officer grants it; waits until JPN holds it. */
async function consentGranted(body: { item: string; actions?: string[]; purpose?: string }): Promise<void> {
  const jpn = nodes.JPN!;
  const asked = await jpn.ex.exchange.requestConsent(await jpn.person('analyst'), body);
  const kor = nodes.KOR!;
  const answered = await eventually(async () => {
    try {
      return await kor.ex.exchange.answerConsent(await kor.person('officer'), asked.id, false);
    } catch {
      return null;
    }
  });
  expect(answered.status).toBe('granted');
  await eventually(async () => {
    const rows = await jpn.node.store.listExchange({ kind: 'consent-request-out' });
    return rows.find((r) => r.key === asked.id)?.status === 'granted';
  });
}

describe('held consents join every decision on the item (R15–R17)', () => {
  it('R16: a JPN copy of a KOR ORCON item is refused until KOR’s actions:[copy] consent arrives, then numbered', async () => {
    const item = await heldAtJpn({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      caveats: ['ORCON'],
      topics: ['DPRK-MISSILE'],
    });
    const jpn = nodes.JPN!;
    const analyst = await jpn.person('analyst');
    expect(await refusal(() => jpn.node.recordCustody(analyst, item, 'copy'))).toContain(
      'ORCON_CONSENT_REQUIRED',
    );
    // Reading needs no consent; printing (another ORCON action) stays refused after a copy consent.
    expect(JSON.stringify(await jpn.node.getObject(analyst, item, {}))).toContain(item);
    await consentGranted({ item, actions: ['copy'] });
    const copy = await jpn.node.recordCustody(analyst, item, 'copy');
    expect(copy.kind).toBe('copy');
    expect(copy.copyNumber).toBe(1);
    expect((await jpn.node.recordCustody(analyst, item, 'copy')).copyNumber).toBe(2);
    expect(await refusal(() => jpn.node.recordCustody(analyst, item, 'print'))).toContain(
      'ORCON_CONSENT_REQUIRED',
    );
    // The consent is for this item only: another item of the very same label is still refused a copy.
    const other = await heldAtJpn({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      caveats: ['ORCON'],
      topics: ['DPRK-MISSILE'],
    });
    expect(await refusal(() => jpn.node.recordCustody(analyst, other, 'copy'))).toContain(
      'ORCON_CONSENT_REQUIRED',
    );
  }, 60_000);

  it('R16: the held consent survives a restart of the holder (read back from its store)', async () => {
    const jpn = nodes.JPN!;
    const rows = await jpn.node.store.listExchange({ kind: 'consent' });
    const item = rows.find((r) => JSON.stringify(r.body).includes('"copy"'))!.ref!;
    const { openNode } = await import('../node-service.js');
    const again = await openNode({ dataDir: jpn.dataDir });
    try {
      const analyst = (await again.authenticateBasic('analyst', PASSWORD))!;
      expect(analyst).toBeTruthy();
      expect((await again.recordCustody(analyst, item, 'copy')).kind).toBe('copy');
    } finally {
      await again.close();
    }
  }, 30_000);

  it('R17: a copy for another purpose than the item was provided for needs KOR’s purpose consent', async () => {
    const item = await heldAtJpn({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      purpose: 'missile-warning',
      topics: ['DPRK-MISSILE'],
    });
    const jpn = nodes.JPN!;
    const analyst = await jpn.person('analyst');
    // The purpose it was provided for needs nothing more.
    expect((await jpn.node.recordCustody(analyst, item, 'copy', { purpose: 'missile-warning' })).kind).toBe(
      'copy',
    );
    expect(
      await refusal(() => jpn.node.recordCustody(analyst, item, 'copy', { purpose: 'training' })),
    ).toContain('PURPOSE_CONSENT_REQUIRED');
    await consentGranted({ item, purpose: 'training' });
    expect((await jpn.node.recordCustody(analyst, item, 'copy', { purpose: 'training' })).kind).toBe('copy');
    // A purpose KOR did not consent to stays refused.
    expect(
      await refusal(() => jpn.node.recordCustody(analyst, item, 'copy', { purpose: 'targeting' })),
    ).toContain('PURPOSE_CONSENT_REQUIRED');
  }, 60_000);
});
