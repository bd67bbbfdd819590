import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oasisValidator, withPortions } from '../../stix/index.js';
import {
  bundle,
  KOR_IDENTITY,
  LOW_LABEL,
  LOW_MARK,
  LOW_MARKING,
  mixedReport,
  SECRET_LABEL,
  SECRET_MARK,
  SECRET_MARKING,
  secretReport,
} from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { nodeFactories } from '../test-support/nodes.js';

for (const [kind, makeNode] of Object.entries(nodeFactories)) {
  describe(`node API /api/v1 over the ${kind} node`, () => {
    let h: Harness;
    const mixed = [mixedReport(1), mixedReport(2)];
    const secret = [secretReport(1)];

    beforeAll(async () => {
      h = await harness(await makeNode());
      const res = await h.api('analyst', 'POST', '/api/v1/items', bundle([...mixed, ...secret]));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().successes.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([...mixed, ...secret].map((r) => r.id)),
      );
    });
    afterAll(async () => {
      await h?.close();
      await h?.node.close();
    });

    it('answers every error as {"error": {code, message, path}} with the status of its code', async () => {
      const res = await h.app.inject({ url: '/api/v1/items' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="relto"/);
      expect(res.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: expect.any(String), path: '' },
      });
      const bad = await h.api('analyst', 'POST', '/api/v1/search', { text: 'x', unknown: 1 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('MALFORMED_REQUEST');
      const missing = await h.api('analyst', 'GET', '/api/v1/nothing-here');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('NOT_FOUND');
    });

    it('issues a bearer token for HTTP Basic, serves with it, and revokes it', async () => {
      const issued = await h.api('analyst-low', 'POST', '/api/v1/session');
      expect(issued.statusCode).toBe(201);
      const { token, expiresAt } = issued.json();
      expect(Number.isNaN(Date.parse(expiresAt))).toBe(false);
      const bearer = { authorization: `Bearer ${token}` };
      const me = await h.app.inject({ url: '/api/v1/me', headers: bearer });
      expect(me.json()).toMatchObject({ name: 'analyst-low', party: 'KOR', clearance: 'III' });
      expect(
        (await h.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: bearer })).statusCode,
      ).toBe(204);
      expect((await h.app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
      expect(
        (await h.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer nonsense' } })).statusCode,
      ).toBe(401);
    });

    it('lists items for analyst-low with SECRET portions withheld and SECRET items absent (R7)', async () => {
      const res = await h.api('analyst-low', 'GET', '/api/v1/items?type=report');
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(SECRET_MARK);
      expect(res.body).not.toContain(SECRET_MARKING.id);
      const ids = res.json().items.map((o: { id: string }) => o.id);
      for (const r of mixed) expect(ids).toContain(r.id);
      for (const r of secret) expect(ids).not.toContain(r.id);
      expect(res.body).toContain(LOW_MARK);
      for (const o of [...res.json().items, ...res.json().markings])
        expect(oasisValidator().validateObject(o)).toEqual([]);
    });

    it('gets one item: redacted for analyst-low, whole for analyst, 404 when it may not be seen', async () => {
      const low = await h.api('analyst-low', 'GET', `/api/v1/items/${mixed[0]!.id}`);
      expect(low.statusCode).toBe(200);
      expect(low.body).not.toContain(SECRET_MARK);
      expect(JSON.stringify(low.json().item)).toContain('"withheld":true');
      const high = await h.api('analyst', 'GET', `/api/v1/items/${mixed[0]!.id}`);
      expect(high.body).toContain(SECRET_MARK);
      const hidden = await h.api('analyst-low', 'GET', `/api/v1/items/${secret[0]!.id}`);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.body).not.toContain(SECRET_MARK);
      expect((await h.api('analyst-low', 'GET', `/api/v1/items/${secret[0]!.id}/versions`)).statusCode).toBe(
        404,
      );
      expect(
        (await h.api('analyst', 'GET', `/api/v1/items/${secret[0]!.id}/versions`)).json().versions,
      ).toHaveLength(1);
    });

    it('searches only what the person may read: totals and hits never count SECRET text (R10)', async () => {
      const low = await h.api('analyst-low', 'POST', '/api/v1/search', { text: SECRET_MARK });
      expect(low.statusCode).toBe(200);
      expect(low.json()).toEqual({ total: 0, hits: [] });
      const high = await h.api('analyst', 'POST', '/api/v1/search', { text: SECRET_MARK });
      expect(high.json().total).toBeGreaterThanOrEqual(mixed.length + secret.length);
      const lowConf = await h.api('analyst-low', 'POST', '/api/v1/search', { text: LOW_MARK });
      expect(lowConf.json().total).toBeGreaterThanOrEqual(mixed.length);
      expect(lowConf.body).not.toContain(SECRET_MARK);
      for (const hit of lowConf.json().hits) expect(secret.map((r) => r.id)).not.toContain(hit.id);
    });

    it('finds Japanese and Korean words inside runs without spaces, never in text the person may not read (R10)', async () => {
      const t = '2026-03-01T00:00:00.000Z';
      const id = 'report--5f0e1c2a-7d3b-4c1e-9a8f-2b6d4e8c0a11';
      const report = withPortions(
        {
          type: 'report',
          spec_version: '2.1',
          id,
          created: t,
          modified: t,
          created_by_ref: KOR_IDENTITY,
          name: '竹島に関する弾道ミサイル発射の報告',
          published: t,
          object_refs: [KOR_IDENTITY],
          object_marking_refs: [LOW_MARKING.id],
        },
        [
          { text: '독도에서 해상 훈련이 있었다.' },
          { text: '잠수함기지에서 새 움직임.', marking: SECRET_MARKING.id },
        ],
      );
      const posted = await h.api('analyst', 'POST', '/api/v1/items', bundle([report]));
      expect(posted.statusCode, posted.body).toBe(201);
      const found = async (who: string, text: string) => {
        const res = await h.api(who, 'POST', '/api/v1/search', { text });
        expect(res.statusCode).toBe(200);
        return res.json().hits.map((hit: { id: string }) => hit.id);
      };
      for (const who of ['analyst', 'analyst-low']) {
        expect(await found(who, '竹島')).toEqual([id]);
        expect(await found(who, 'ミサイル')).toEqual([id]);
        expect(await found(who, '독도')).toEqual([id]);
      }
      expect(await found('analyst', '잠수함')).toEqual([id]);
      expect(await found('analyst-low', '잠수함')).toEqual([]);
    });

    it('records custody actions as decisions plus records, numbering copies (R26)', async () => {
      const id = mixed[1]!.id;
      const c1 = await h.api('analyst', 'POST', `/api/v1/items/${id}/custody/copy`, {});
      expect(c1.statusCode, c1.body).toBe(201);
      const c2 = await h.api('analyst', 'POST', `/api/v1/items/${id}/custody/copy`, {
        details: { to: 'desk 4' },
      });
      expect(c2.json().copyNumber).toBe(c1.json().copyNumber + 1);
      const pr = await h.api('analyst', 'POST', `/api/v1/items/${id}/custody/print`, {});
      expect(pr.json().kind).toBe('print');
      const list = await h.api('analyst', 'GET', `/api/v1/items/${id}/custody`);
      expect(list.json().records.map((r: { kind: string }) => r.kind)).toEqual(
        expect.arrayContaining(['copy', 'copy', 'print']),
      );
      expect((await h.api('analyst', 'POST', `/api/v1/items/${id}/custody/shred`, {})).statusCode).toBe(400);
      // R10 from the outside: no custody path (copy, translation, print, export) opens a SECRET item to
      // analyst-low, nor says anything of it.
      for (const action of ['copy', 'translate', 'print', 'export']) {
        const r = await h.api('analyst-low', 'POST', `/api/v1/items/${secret[0]!.id}/custody/${action}`, {});
        expect(r.statusCode, action).toBe(404);
        expect(r.body).not.toContain(SECRET_MARK);
      }
      expect(
        (await h.api('analyst-low', 'GET', `/api/v1/items/${secret[0]!.id}/custody`)).statusCode,
      ).not.toBe(200);
    });

    it('destroys only with the security officer role (R18, R27), then the item is gone', async () => {
      const r = mixedReport(30);
      await h.api('analyst', 'POST', '/api/v1/items', bundle([r]));
      const refused = await h.api('analyst', 'DELETE', `/api/v1/items/${r.id}`);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('FORBIDDEN');
      expect((await h.api('security', 'DELETE', `/api/v1/items/${r.id}`)).statusCode).toBe(204);
      expect((await h.api('analyst', 'GET', `/api/v1/items/${r.id}`)).statusCode).toBe(404);
    });

    it('moves a compromise report only forward, one step at a time (R28)', async () => {
      // R18: reporting a compromise is the security officer's act
      const created = await h.api('security', 'POST', '/api/v1/compromises', {
        items: [mixed[0]!.id],
        description: 'left on a train',
      });
      expect(created.statusCode, created.body).toBe(201);
      const report = created.json();
      expect(report.status).toBe('reported');
      const skip = await h.api('security', 'POST', `/api/v1/compromises/${report.id}/advance`, {
        to: 'closed',
      });
      expect(skip.statusCode).toBe(409);
      expect(skip.json().error.code).toBe('CONFLICT');
      const next = await h.api('security', 'POST', `/api/v1/compromises/${report.id}/advance`, {
        to: 'investigating',
      });
      expect(next.statusCode, next.body).toBe(200);
      expect(next.json().status).toBe('investigating');
      const list = await h.api('security', 'GET', '/api/v1/compromises');
      expect(list.json().reports.map((r: { id: string }) => r.id)).toContain(report.id);
    });

    it('answers decide for the signed-in person, whatever principal the body names (contracts §5)', async () => {
      const request = {
        at: '2026-03-01T00:00:00Z',
        // a made-up principal with TOP SECRET clearance: ignored
        principal: { id: 'mallory', party: 'KOR', clearance: 'I', roles: ['analyst'], official: true },
        action: 'read',
        item: { label: SECRET_LABEL, holder: 'KOR' },
      };
      const low = await h.api('analyst-low', 'POST', '/api/v1/decide', request);
      expect(low.statusCode, low.body).toBe(200);
      expect(low.json().decision).toBe('deny');
      expect(low.json().reasons.map((r: { code: string }) => r.code)).toContain('CLEARANCE_TOO_LOW');
      const high = await h.api('analyst', 'POST', '/api/v1/decide', request);
      expect(high.json().decision).toBe('permit');
      const ok = await h.api('analyst-low', 'POST', '/api/v1/decide', {
        ...request,
        item: { label: LOW_LABEL },
      });
      expect(ok.json().decision).toBe('permit');
      const malformed = await h.api('analyst', 'POST', '/api/v1/decide', { action: 'read' });
      expect(malformed.statusCode).toBe(400);
    });

    it('reclassifies an item: the new label governs every reader at once (R8)', async () => {
      const r = mixedReport(40);
      await h.api('analyst', 'POST', '/api/v1/items', bundle([r]));
      expect((await h.api('analyst-low', 'GET', `/api/v1/items/${r.id}`)).statusCode).toBe(200);
      // R8: reclassification is done by a security officer; an analyst is refused
      const refused = await h.api('analyst', 'POST', `/api/v1/items/${r.id}/reclassify`, {
        marking: SECRET_MARKING,
      });
      expect(refused.statusCode).toBe(403);
      // the label comes as STIX carries it (a marking-definition), not in a private shape
      const privateShape = await h.api('security', 'POST', `/api/v1/items/${r.id}/reclassify`, {
        label: SECRET_LABEL,
      });
      expect(privateShape.statusCode).toBe(400);
      const tampered = await h.api('security', 'POST', `/api/v1/items/${r.id}/reclassify`, {
        marking: { ...SECRET_MARKING, id: LOW_MARKING.id },
      });
      expect(tampered.statusCode).toBe(400);
      expect(tampered.json().error).toMatchObject({ code: 'LABEL_ID_MISMATCH', path: '/marking/id' });
      const res = await h.api('security', 'POST', `/api/v1/items/${r.id}/reclassify`, {
        marking: SECRET_MARKING,
      });
      expect(res.statusCode, res.body).toBe(204);
      expect((await h.api('analyst-low', 'GET', `/api/v1/items/${r.id}`)).statusCode).toBe(404);
      expect((await h.api('analyst', 'GET', `/api/v1/items/${r.id}`)).statusCode).toBe(200);
    });

    it('shows the whole audit log to security officers and administrators, anyone else their own entries (R35)', async () => {
      const head = await h.api('security', 'GET', '/api/v1/audit/head');
      expect(head.statusCode).toBe(200);
      const size = head.json().treeSize as number;
      const all = await h.api('security', 'GET', `/api/v1/audit/entries?from=0&to=${size}`);
      expect(all.statusCode).toBe(200);
      const entries = all.json().entries as { index: number; entry: { actor: string } }[];
      expect(entries.length).toBeGreaterThan(0);
      const mine = await h.api('analyst', 'GET', `/api/v1/audit/entries?from=0&to=${size}`);
      expect(mine.statusCode).toBe(200);
      expect(mine.json().entries).toEqual(entries.filter((e) => e.entry.actor === 'analyst'));
      const theirs = entries.find((e) => e.entry.actor !== 'analyst')!;
      const proof = await h.api(
        'analyst',
        'GET',
        `/api/v1/audit/proofs/inclusion?index=${theirs.index}&treeSize=${size}`,
      );
      expect(proof.statusCode).toBe(403);
      const analystHead = await h.api('analyst', 'GET', '/api/v1/audit/head');
      expect(analystHead.statusCode).toBe(200);
      expect(Object.keys(analystHead.json()).sort()).toEqual([
        'origin',
        'publicKey',
        'rootHash',
        'signature',
        'timestamp',
        'treeSize',
      ]);
      expect((await h.api('admin', 'GET', '/api/v1/audit/head')).statusCode).toBe(200);
    });

    it('answers release and consent with NOT_IMPLEMENTED until the exchange exists', async () => {
      const res = await h.api('analyst', 'POST', '/api/v1/releases', { item: mixed[0]!.id, to: 'JPN' });
      expect(res.statusCode).toBe(501);
      expect(res.json().error.code).toBe('NOT_IMPLEMENTED');
    });
  });
}
