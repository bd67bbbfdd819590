import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../label/index.js';
import { labelToMarking, withPortions } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { type InProcessNode, inProcessNodes } from './test-support/in-process.js';
import { eventually, labelledReport } from './test-support/three-nodes.js';

/*
 * Portion-marked reports between nodes (R7, contracts §6 and §9): the mission's report, three paragraphs of
 * which one is Korea-only, released to Japan and then, with Korea's consent, forwarded to the US.
 */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN', 'USA']));
}, 60_000);

afterAll(async () => cleanup?.());

const SHARED: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['JPN', 'KOR'],
  topics: ['DPRK-MISSILE'],
};
const KOREA_ONLY: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR'],
  topics: ['DPRK-MISSILE'],
};

/** A KOR report of three paragraphs, the third Korea-only, posted at KOR. */
async function mixedReport(): Promise<{ id: string; texts: string[] }> {
  const kor = nodes.KOR!;
  const { report, bundle } = labelledReport(SHARED, 'Sinpo SLBM test');
  const shared = labelToMarking(SHARED) as unknown as StixObject;
  const koreaOnly = labelToMarking(KOREA_ONLY) as unknown as StixObject;
  const texts = [
    `Launch detected at 06:12 from Sinpo ${report.id}.`,
    'Apogee about 50 km, range about 600 km.',
    `Korea only: the shipyard source ${report.id} reported the loading.`,
  ];
  const portioned = withPortions(report, [
    { text: texts[0]!, marking: shared.id },
    { text: texts[1]!, marking: shared.id },
    { text: texts[2]!, marking: koreaOnly.id },
  ]);
  const objects = [...(bundle as { objects: StixObject[] }).objects.slice(0, 1), koreaOnly, portioned];
  await kor.node.postObjects(await kor.person('analyst'), objects);
  return { id: report.id, texts };
}

async function release(from: string, item: string, to: string, under?: string) {
  const n = nodes[from]!;
  const request = await n.ex.exchange.fileRelease(await n.person('analyst'), {
    item,
    to,
    ...(under ? { under } : {}),
  });
  return n.ex.exchange.approveRelease(await n.person('officer'), request.id);
}

/** The analyst's view of an item at a node, and its portions' texts (undefined for a withheld one). */
async function readAt(
  party: string,
  id: string,
): Promise<{ text: string; portions: (string | undefined)[] }> {
  const n = nodes[party]!;
  const page = await n.node.getObject(await n.person('analyst'), id, {});
  const object = page.objects[0]!;
  const ext = (object.extensions as Record<string, { portions?: { text?: string }[] }>) ?? {};
  const portions = Object.values(ext).find((e) => e.portions)?.portions ?? [];
  return { text: JSON.stringify(page), portions: portions.map((p) => p.text) };
}

describe('portion-marked reports between nodes (R7, R14, R15)', () => {
  it('the originator withholds the Korea-only paragraph before it signs: Japan holds and shows the other two', async () => {
    const { id, texts } = await mixedReport();
    const approved = await release('KOR', id, 'JPN');
    expect(approved.status).toBe('pending');
    const held = await eventually(() => nodes.JPN!.node.store.getObject(id));
    // What Japan's node holds never had the Korea-only paragraph in it, nor its label.
    expect(JSON.stringify(held.object)).not.toContain('shipyard source');
    expect(JSON.stringify(held.object)).not.toContain(labelToMarking(KOREA_ONLY).id);
    const read = await readAt('JPN', id);
    expect(read.portions).toEqual([texts[0], texts[1], undefined]);
    // Each portion's label has Japan's receiver-equivalent beside it (R6).
    expect(read.text).toContain('GOKUHI');
    await eventually(
      async () =>
        (await nodes.KOR!.ex.exchange.listReleaseRequests(await nodes.KOR!.person('officer'))).find(
          (r) => r.item === id,
        )?.status === 'delivered',
    );
  });

  it('Japan forwards it to the US only with Korea’s consent naming the US, and the US reads both paragraphs', async () => {
    const { id, texts } = await mixedReport();
    await release('KOR', id, 'JPN');
    await eventually(() => nodes.JPN!.node.store.getObject(id));
    const denied = await release('JPN', id, 'USA');
    expect(denied.status).toBe('denied');
    expect(denied.decision!.reasons.map((r) => r.code)).toContain('THIRD_PARTY_CONSENT_REQUIRED');

    const jpn = nodes.JPN!;
    const asked = await jpn.ex.exchange.requestConsent(await jpn.person('analyst'), { item: id, to: 'USA' });
    const kor = nodes.KOR!;
    await eventually(async () => {
      try {
        return await kor.ex.exchange.answerConsent(await kor.person('officer'), asked.id, false);
      } catch {
        return null;
      }
    });
    const forwarded = await eventually(async () => {
      const r = await release('JPN', id, 'USA');
      return r.status === 'pending' ? r : null;
    });
    expect(forwarded.decision!.decision).toBe('permit');
    await eventually(() => nodes.USA!.node.store.getObject(id));
    const read = await readAt('USA', id);
    expect(read.portions).toEqual([texts[0], texts[1], undefined]);
    expect(read.text).not.toContain('shipyard source');
  }, 60_000);
});
