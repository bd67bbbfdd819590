import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTreeHead } from '../../audit/index.js';
import { type AuditHead, buildMessage, type ExchangeKey, signBatch } from '../../exchange/index.js';
import { labelMarkingId } from '../../stix/index.js';
import { ROWS } from './exchange.js';
import { type InProcessNode, inProcessNodes } from './test-support/in-process.js';
import { eventually, labelledReport } from './test-support/three-nodes.js';

/** Notices that travel (issue 4, item 7): compromise reports (R28), reclassification (R8), audit heads (R29). */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN'], { headEveryMs: 300 }));
}, 60_000);

afterAll(async () => cleanup?.());

const LABEL = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['JPN', 'KOR'],
  topics: ['DPRK-MISSILE'],
} as const;

/** A KOR report released to and held at JPN. */
async function releasedToJpn(): Promise<string> {
  const kor = nodes.KOR!;
  const { report, bundle } = labelledReport({
    ...LABEL,
    releasableTo: [...LABEL.releasableTo],
    topics: [...LABEL.topics],
  });
  await kor.node.postObjects(await kor.person('analyst'), (bundle as { objects: unknown[] }).objects);
  const request = await kor.ex.exchange.fileRelease(await kor.person('analyst'), {
    item: report.id,
    to: 'JPN',
  });
  expect((await kor.ex.exchange.approveRelease(await kor.person('officer'), request.id)).status).toBe(
    'pending',
  );
  await eventually(async () => (await nodes.JPN!.node.store.getObject(report.id)) !== null);
  return report.id;
}

describe('notices between nodes', () => {
  it('R28: a compromise report of a KOR item at JPN reaches KOR, where its security officer sees it', async () => {
    const id = await releasedToJpn();
    const jpn = nodes.JPN!;
    const report = await jpn.node.reportCompromise(await jpn.person('security'), {
      items: [id],
      description: 'laptop holding the report lost in transit',
    });
    expect(report.originator).toBe('KOR');
    const kor = nodes.KOR!;
    const seen = await eventually(async () => {
      const list = (await kor.ex.exchange.compromisesReceived(await kor.person('security'))) as {
        item: string;
        from: string;
        description: string;
      }[];
      return list.find((r) => r.item === id);
    });
    expect(seen.from).toBe('JPN');
    expect(seen.description).toContain('laptop');
    await expect(kor.ex.exchange.compromisesReceived(await kor.person('analyst'))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('R8: KOR reclassifies its item; JPN’s copy is re-marked with the new label and its own equivalent (秘)', async () => {
    const id = await releasedToJpn();
    const kor = nodes.KOR!;
    const lowered = {
      ...LABEL,
      classification: 'III',
      releasableTo: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    };
    await kor.node.reclassify(await kor.person('security'), id, lowered);
    const newId = labelMarkingId(lowered);
    const jpn = nodes.JPN!;
    await eventually(async () => (await jpn.node.store.getObject(id))?.floor === newId);
    const alternatives = await jpn.node.store.listMarkingDefinitions({
      kind: 'alternative',
      alternativeOf: newId,
    });
    expect(JSON.stringify(alternatives)).toContain('"classification":"HI"');
    expect((await jpn.node.store.listCustody(id)).map((c) => c.kind)).toContain('reclassification');
  });

  it('R29: partners exchange signed heads; a head of a rewritten log raises an alarm, audited and visible via the API', async () => {
    const jpn = nodes.JPN!;
    const held = await eventually(
      async () => (await jpn.node.store.getExchange(ROWS.partnerHead, 'KOR'))?.body as AuditHead | undefined,
    );
    expect(held.origin).toBe('KOR');
    // KOR's key signs a head of the same size with another root: its log was rewritten.
    const kor = nodes.KOR!.ex.exchange;
    const forged = signTreeHead(
      {
        treeSize: held.treeSize,
        rootHash: 'ab'.repeat(32),
        timestamp: new Date().toISOString(),
        origin: 'KOR',
      },
      kor.identity.signing.privateJwk as ExchangeKey as never,
    );
    const record: AuditHead = {
      type: 'relto-audit-head',
      origin: 'KOR',
      treeSize: forged.treeSize,
      rootHash: forged.rootHash,
      timestamp: forged.timestamp,
      signature: forged.signature,
    };
    const [signed] = signBatch({ party: 'KOR', key: kor.identity.signing.privateJwk as ExchangeKey }, [
      record,
    ]);
    const jwe = buildMessage(
      {
        sender: 'KOR',
        recipient: 'JPN',
        id: `forged-${Date.now()}`,
        time: new Date().toISOString(),
        kind: 'audit-head',
        under: null,
        decision: null,
        items: [{ ...signed!, consents: [] }],
      },
      { party: 'KOR', key: kor.identity.signing.privateJwk as ExchangeKey },
      { party: 'JPN', key: (await kor.partner('JPN'))!.identity.encryptionKey as ExchangeKey },
    );
    await jpn.ex.exchange.receive(jwe, 'KOR');
    const alarms = (await jpn.ex.exchange.alarms(await jpn.person('security'))) as {
      alarm: string;
      party: string;
    }[];
    expect(alarms).toContainEqual(expect.objectContaining({ alarm: 'LOG_REWRITTEN', party: 'KOR' }));
    // Honest heads (each with its consistency proof from the last one sent) raised nothing.
    expect(alarms.filter((a) => a.alarm !== 'LOG_REWRITTEN')).toEqual([]);
    await jpn.node.flushAudit();
    const entries = await jpn.node.store.readAudit(0, await jpn.node.store.auditSize());
    expect(entries.some((e) => e.entry.includes('"LOG_REWRITTEN"'))).toBe(true);
    // The held head is not replaced by the forged one.
    const still = (await jpn.node.store.getExchange(ROWS.partnerHead, 'KOR'))!.body as AuditHead;
    expect(still.rootHash).not.toBe('ab'.repeat(32));
  });

  it('R15/R18: KOR refuses a consent request; only a releasing officer may answer; the refusal reaches JPN', async () => {
    const id = await releasedToJpn();
    const jpn = nodes.JPN!;
    const asked = await jpn.ex.exchange.requestConsent(await jpn.person('analyst'), { item: id, to: 'USA' });
    const kor = nodes.KOR!;
    await eventually(
      async () => (await kor.node.store.getExchange(ROWS.consentRequestIn, asked.id)) !== null,
    );
    await expect(
      kor.ex.exchange.answerConsent(await kor.person('analyst'), asked.id, true),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const answer = await kor.ex.exchange.answerConsent(await kor.person('officer'), asked.id, true);
    expect(answer.status).toBe('refused');
    await eventually(
      async () => (await jpn.node.store.getExchange(ROWS.consentRequestOut, asked.id))?.status === 'refused',
    );
    // No consent record was made: JPN still may not release to USA (R15).
    expect(await jpn.ex.exchange.consentsOf(id)).toEqual([]);
    await expect(
      kor.ex.exchange.answerConsent(await kor.person('officer'), asked.id, false),
    ).rejects.toMatchObject({
      code: 'ALREADY_DECIDED',
    });
  });
});
