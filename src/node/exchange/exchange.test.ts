import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReltoClient } from '../../http/index.js';
import { openNode } from '../node-service.js';
import { eventually, labelledReport, type Nodes, threeNodes } from './test-support/three-nodes.js';

/**
 * Three real nodes (child processes on loopback, `relto serve --exchange`): release, consent and relay flows
 * between KOR, JPN and USA (issue 4 acceptance).
 */

type Json = Record<string, unknown>;

async function visible(c: ReltoClient, id: string): Promise<Json | null> {
  try {
    return (await c.get(id)) as Json;
  } catch {
    return null;
  }
}

let env: Nodes;

beforeAll(async () => {
  env = await threeNodes();
}, 120_000);

afterAll(async () => {
  await env?.cleanup();
});

async function postAs(party: string, bundle: object): Promise<void> {
  const c = await env.nodes[party]!.client('analyst');
  await c.post(bundle);
}

async function release(party: string, item: string, to: string, under?: string): Promise<Json> {
  const analyst = await env.nodes[party]!.client('analyst');
  const request = (await analyst.release(item, to, under)) as Json;
  const officer = await env.nodes[party]!.client('officer');
  return (await officer.approve(String(request.id))) as Json;
}

describe('release between nodes (R14–R18, R34, contracts §9)', () => {
  it('KOR releases a 군사II급비밀 report to JPN: it is stored at JPN with its receiver-equivalent label 極秘 (R6)', async () => {
    const { report, bundle } = labelledReport(
      { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'], topics: ['DPRK-MISSILE'] },
      'KOR launch assessment',
    );
    await postAs('KOR', bundle);
    const approved = await release('KOR', report.id, 'JPN');
    expect(approved.status).toBe('pending');
    const jpn = await env.nodes.JPN!.client('analyst');
    const got = await eventually(() => visible(jpn, report.id));
    const objects = (got.objects ?? got.items ?? []) as Json[];
    const markings = ((got.markings ?? []) as Json[]).concat(
      objects.filter((o) => o.type === 'marking-definition'),
    );
    const text = JSON.stringify(got);
    expect(text).toContain(report.id);
    // The originator's marking is kept and JPN's alternative names GOKUHI under KOR-JPN-GSOMIA (R6, §6).
    expect(text).toContain('"alternative_of"');
    expect(text).toContain('GOKUHI');
    expect(text).toContain('KOR-JPN-GSOMIA');
    expect(markings.length + objects.length).toBeGreaterThan(0);
  });

  it('R34: a releasing officer cannot approve a release they filed themselves (FOUR_EYES)', async () => {
    const { report, bundle } = labelledReport({
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    });
    await postAs('KOR', bundle);
    const officer = await env.nodes.KOR!.client('officer');
    const request = (await officer.release(report.id, 'JPN')) as Json;
    await expect(officer.approve(String(request.id))).rejects.toMatchObject({ code: 'FOUR_EYES' });
    const other = await env.nodes.KOR!.client('officer2');
    expect(((await other.approve(String(request.id))) as Json).status).toBe('pending');
  });

  it('R11/R14: a release the rules deny never reaches the partner (checked in the partner store) and is audited', async () => {
    // KOR I (군사I급비밀) is not covered by KOR-JPN-GSOMIA (R2) and JPN is not in Releasable To.
    const { report, bundle } = labelledReport({
      originator: 'KOR',
      classification: 'II',
      topics: ['DPRK-MISSILE'],
    });
    await postAs('KOR', bundle);
    const answer = await release('KOR', report.id, 'JPN');
    expect(answer.status).toBe('denied');
    const codes = ((answer.decision as Json).reasons as Json[]).map((r) => r.code);
    expect(codes).toContain('NOT_RELEASABLE_TO_PARTY');
    await new Promise((r) => setTimeout(r, 1500));
    // Stop JPN to read its store directly, then bring it back.
    await env.nodes.JPN!.stop();
    const jpn = await openNode({ dataDir: env.nodes.JPN!.dataDir });
    try {
      expect(await jpn.store.getObject(report.id)).toBeNull();
    } finally {
      await jpn.close();
    }
    await env.nodes.JPN!.start();
    const kor = await openNode({ dataDir: env.nodes.KOR!.dataDir });
    try {
      const outbox = await kor.store.listExchange({ kind: 'outbox' });
      expect(JSON.stringify(outbox)).not.toContain(report.id);
    } finally {
      await kor.close();
    }
  });
});

describe('consent and TISA relay (R15, R24, R25, R34)', () => {
  it('USA relays a KOR report to JPN under TISA only with KOR’s consent naming JPN; JPN verifies KOR’s signature', async () => {
    const { report, bundle } = labelledReport(
      {
        originator: 'KOR',
        classification: 'II',
        releasableTo: ['JPN', 'KOR', 'USA'],
        topics: ['DPRK-NUCLEAR'],
      },
      '2015 nuclear test assessment',
    );
    await postAs('KOR', bundle);
    expect((await release('KOR', report.id, 'USA')).status).toBe('pending');
    const usa = await env.nodes.USA!.client('analyst');
    await eventually(() => visible(usa, report.id));
    // Without KOR's consent, the US may not pass it on (R15, R24).
    const denied = await release('USA', report.id, 'JPN', 'TISA');
    expect(denied.status).toBe('denied');
    expect(((denied.decision as Json).reasons as Json[]).map((r) => r.code)).toContain(
      'THIRD_PARTY_CONSENT_REQUIRED',
    );
    // The US asks KOR; KOR's releasing officer consents (R34: not one they asked for).
    const asked = (await usa.requestConsent({ item: report.id, to: 'JPN' })) as Json;
    const korOfficer = await env.nodes.KOR!.client('officer');
    await eventually(async () => {
      const list = (await (
        korOfficer as unknown as { request: (m: string, p: string) => Promise<Json> }
      ).request?.('GET', '/api/v1/consent-requests')) as Json | undefined;
      return list ?? true;
    });
    const granted = await eventually(async () => {
      try {
        return (await korOfficer.consent(String(asked.id), false)) as Json;
      } catch {
        return null;
      }
    });
    expect(granted.status).toBe('granted');
    // The consent travels back to the US; then the relay is permitted.
    const relayed = await eventually(async () => {
      const r = await release('USA', report.id, 'JPN', 'TISA');
      return r.status === 'pending' ? r : null;
    });
    expect(relayed.status).toBe('pending');
    const jpn = await env.nodes.JPN!.client('analyst');
    const got = await eventually(() => visible(jpn, report.id));
    expect(JSON.stringify(got)).toContain('TISA');
    // JPN holds KOR's original signed record (R25): the batch JWS names KOR.
    await env.nodes.JPN!.stop();
    const node = await openNode({ dataDir: env.nodes.JPN!.dataDir });
    try {
      // The proof and the batch JWS are kept beside the held (sealed) object, not a plaintext copy of it: in
      // the row of the message it came in, which its custody receipt names.
      const custody = await node.store.listCustody(report.id);
      const receipts = custody.filter((c) => c.kind === 'receipt');
      expect(receipts).toHaveLength(1);
      const row = await node.store.getExchange(
        'signed-message',
        String((receipts[0]!.details as { message: string }).message),
      );
      const held = row!.body as { jws: string[]; items: { id: string; proof: string[]; jws: number }[] };
      const item = held.items.find((i) => i.id === report.id)!;
      expect(item.proof).toBeInstanceOf(Array);
      expect(JSON.stringify(held)).not.toContain('2015 nuclear test assessment');
      const jws = held.jws[item.jws]!;
      const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()) as { kid: string };
      expect(header.kid).toBe('KOR');
    } finally {
      await node.close();
    }
    await env.nodes.JPN!.start();
  });
});
