import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InProcessNode,
  inProcessNodes,
  queuedRelease,
} from '../../node/exchange/test-support/in-process.js';
import { PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { labelToMarking, partyIdentityId } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { buildApp, type ReltoApp } from '../app.js';
import { TAXII_MEDIA_TYPE } from '../taxii/media.js';
import { apiRootPath } from '../taxii/routes.js';

/**
 * The flow of issue 10: JPN holds KOR's report, received through the exchange; JPN's analyst posts a "new
 * version" of it under KOR's label and identity. A local post may carry only JPN's own objects and labels
 * (R25): the forgery is refused with FOREIGN_ORIGINATOR through the API and TAXII, nothing of the post is
 * stored, and JPN's readers still see KOR's genuine report as its latest version.
 */

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;
let genuine: StixObject;

const auth = `Basic ${Buffer.from(`analyst:${PASSWORD}`).toString('base64')}`;

function api(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { authorization: auth, ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { payload: JSON.stringify(payload) } : {}),
  });
}

function postTaxii(objects: unknown[]): Promise<LightMyRequestResponse> {
  const jpn = nodes.JPN!.node;
  return app.inject({
    method: 'POST',
    url: `${apiRootPath(jpn.party)}collections/${jpn.collectionId}/objects/`,
    headers: { authorization: auth, accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE },
    payload: JSON.stringify({ objects }),
  });
}

/** The JPN node's own report under its own label: acceptable alone, so a refusal of its post is all or nothing. */
function ownReport(): { label: StixObject; report: StixObject } {
  const label = labelToMarking({
    originator: 'JPN',
    classification: 'HI',
    releasableTo: ['JPN', 'KOR'],
  }) as unknown as StixObject;
  const t = new Date().toISOString();
  const report: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${crypto.randomUUID()}`,
    created: t,
    modified: t,
    created_by_ref: partyIdentityId('JPN'),
    name: 'own JPN report',
    published: t,
    object_refs: [partyIdentityId('JPN')],
    object_marking_refs: [label.id],
  };
  return { label, report };
}

async function refusalsAudited(subject: string): Promise<number> {
  const jpn = nodes.JPN!.node;
  await jpn.flushAudit();
  const rows = await jpn.store.readAudit(0, (await jpn.store.auditSize()) as number);
  return rows.filter((r) => {
    const e = JSON.parse(r.entry) as { kind: string; reasons?: string[]; subjects?: string[] };
    return e.kind === 'refusal' && e.reasons?.includes('FOREIGN_ORIGINATOR') && e.subjects?.includes(subject);
  }).length;
}

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  await nodes.KOR!.ex.delivery.stop();
  const { message, item } = await queuedRelease(nodes.KOR!);
  const answer = await nodes.JPN!.ex.exchange.receive(
    await nodes.KOR!.ex.exchange.sealForDelivery(message),
    'KOR',
  );
  expect(answer.status).toBe(200);
  genuine = (await nodes.JPN!.node.store.getObject(item))!.object!;
  app = await buildApp(nodes.JPN!.node);
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

describe("R25: a local post under a partner's name is refused (FOREIGN_ORIGINATOR)", () => {
  it("refuses through the API a new version of KOR's report under KOR's label and identity, naming it", async () => {
    const forged = { ...genuine, modified: new Date().toISOString(), name: 'FORGED BY JPN' };
    const res = await api('POST', '/api/v1/items', { objects: [forged] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FOREIGN_ORIGINATOR');
    expect(res.json().error.message).toContain(genuine.id);
    expect(res.json().error.message).toContain('KOR');
    expect(await refusalsAudited(genuine.id)).toBeGreaterThanOrEqual(1);
  });

  it("refuses through TAXII, as one transaction, a version of KOR's report relabelled as JPN's own, with the rest of the envelope", async () => {
    const { label, report } = ownReport();
    const relabelled = {
      ...genuine,
      modified: new Date().toISOString(),
      name: 'FORGED BY JPN',
      created_by_ref: partyIdentityId('JPN'),
      object_marking_refs: [label.id],
    };
    const res = await postTaxii([label, report, relabelled]);
    expect(res.statusCode).toBe(403);
    expect(res.json().error_code).toBe('FOREIGN_ORIGINATOR');
    expect(res.json().description).toContain(genuine.id);
    // Nothing of the envelope was stored, not even the acceptable own report.
    expect((await api('GET', `/api/v1/items/${report.id}`)).statusCode).toBe(404);
  });

  it("keeps KOR's genuine report as the only version JPN's readers see", async () => {
    const res = await api('GET', `/api/v1/items/${genuine.id}/versions`);
    expect(res.statusCode).toBe(200);
    expect(res.json().versions).toHaveLength(1);
    const latest = await api('GET', `/api/v1/items/${genuine.id}`);
    expect(latest.json().item.name).toBe(genuine.name);
    expect(latest.json().item.modified).toBe(genuine.modified);
    expect(latest.body).not.toContain('FORGED BY JPN');
  });

  it('relto client post of the forgery exits 1 with FOREIGN_ORIGINATOR on stderr', async () => {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'relto-forged-'));
    try {
      const file = join(dir, 'forged.json');
      const forged = { ...genuine, modified: new Date().toISOString(), name: 'FORGED BY JPN' };
      writeFileSync(
        file,
        JSON.stringify({ type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: [forged] }),
      );
      const bin = fileURLToPath(new URL('../../../bin/relto.js', import.meta.url));
      const r = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
        const p = spawn(process.execPath, [bin, 'client', 'post', file, '--node', base, '--user', 'analyst']);
        let stderr = '';
        p.stderr.on('data', (d) => {
          stderr += d;
        });
        p.on('error', reject);
        p.on('close', (status) => resolve({ status, stderr }));
        p.stdin.end(`${PASSWORD}\n`);
      });
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stderr).error.code).toBe('FOREIGN_ORIGINATOR');
      expect(JSON.parse(r.stderr).error.message).toContain(genuine.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("still takes the node's own objects under its own label", async () => {
    const { label, report } = ownReport();
    const res = await api('POST', '/api/v1/items', { objects: [label, report] });
    expect(res.statusCode).toBe(201);
    expect((await api('GET', `/api/v1/items/${report.id}`)).json().item.name).toBe('own JPN report');
  });
});
