import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oasisValidator } from '../../stix/index.js';
import {
  bundle,
  LOW_MARK,
  LOW_MARKING,
  mixedReport,
  SECRET_MARK,
  SECRET_MARKING,
  secretReport,
} from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { nodeFactories } from '../test-support/nodes.js';
import { TAXII_MEDIA_TYPE } from './media.js';

type Obj = Record<string, unknown> & { id: string; type: string };

for (const [kind, makeNode] of Object.entries(nodeFactories)) {
  describe(`TAXII 2.1 over the ${kind} node`, () => {
    let h: Harness;
    const mixed = [mixedReport(1), mixedReport(2), mixedReport(3)];
    const secret = [secretReport(1), secretReport(2)];

    beforeAll(async () => {
      h = await harness(await makeNode());
      const res = await h.postTaxii('analyst', bundle([...mixed, ...secret]).objects);
      expect(res.statusCode, res.body).toBe(202);
    });
    afterAll(async () => {
      await h?.close();
      await h?.node.close();
    });

    const objectsOf = (body: string): Obj[] => (JSON.parse(body) as { objects?: Obj[] }).objects ?? [];

    it('answers discovery with its one API root, as TAXII JSON', async () => {
      const res = await h.taxii('analyst', '/taxii2/');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
      const d = res.json();
      expect(d.api_roots).toHaveLength(1);
      expect(new URL(d.api_roots[0]).pathname).toBe(h.root);
      expect(d.default).toBe(d.api_roots[0]);
    });

    it('advertises TAXII 2.1 and a max_content_length of at least 16 MiB in the API root', async () => {
      const res = await h.taxii('analyst', h.root);
      expect(res.statusCode).toBe(200);
      expect(res.json().versions).toEqual([TAXII_MEDIA_TYPE]);
      expect(res.json().max_content_length).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    });

    it('lists the one readable and writable collection, and gets it by id', async () => {
      const list = (await h.taxii('analyst', `${h.root}collections/`)).json();
      expect(list.collections).toHaveLength(1);
      expect(list.collections[0]).toMatchObject({ id: h.node.collectionId, can_read: true, can_write: true });
      const one = await h.taxii('analyst', `${h.root}collections/${h.node.collectionId}/`);
      expect(one.json().id).toBe(h.node.collectionId);
    });

    it('answers 404 with a TAXII error message for an unknown collection', async () => {
      const res = await h.taxii('analyst', `${h.root}collections/no-such-collection/objects/`);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
      expect(res.json()).toMatchObject({ error_code: 'NOT_FOUND', http_status: '404' });
      expect(typeof res.json().title).toBe('string');
    });

    it('refuses a request without credentials: 401 with the Basic challenge', async () => {
      const res = await h.app.inject({ url: h.objectsUrl, headers: { accept: TAXII_MEDIA_TYPE } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="relto"/);
      expect(res.json()).toMatchObject({ error_code: 'UNAUTHENTICATED', http_status: '401' });
      const wrong = await h.app.inject({
        url: h.objectsUrl,
        headers: { authorization: `Basic ${Buffer.from('analyst:wrong').toString('base64')}` },
      });
      expect(wrong.statusCode).toBe(401);
    });

    it('answers 406 when the Accept header excludes TAXII 2.1 JSON, and accepts a versionless taxii+json', async () => {
      for (const accept of ['application/json', 'application/taxii+json;version=2.0', 'text/html']) {
        const res = await h.taxii('analyst', h.objectsUrl, { headers: { accept } });
        expect(res.statusCode, accept).toBe(406);
        expect(res.json()).toMatchObject({ error_code: 'NOT_ACCEPTABLE', http_status: '406' });
      }
      for (const accept of [
        'application/taxii+json',
        '*/*',
        'text/html, application/taxii+json;version=2.1;q=0.5',
      ]) {
        expect((await h.taxii('analyst', h.objectsUrl, { headers: { accept } })).statusCode, accept).toBe(
          200,
        );
      }
    });

    it('answers 415 to a POST that is not TAXII or STIX JSON, storing nothing', async () => {
      const before = objectsOf((await h.taxii('analyst', h.objectsUrl)).body).length;
      for (const type of ['application/json', 'text/plain', 'application/taxii+json;version=2.0']) {
        const res = await h.taxii('analyst', h.objectsUrl, {
          method: 'POST',
          headers: { 'content-type': type },
          payload: JSON.stringify(bundle([mixedReport(90)])),
        });
        expect(res.statusCode, type).toBe(415);
        expect(res.json()).toMatchObject({ error_code: 'UNSUPPORTED_MEDIA_TYPE', http_status: '415' });
      }
      expect(objectsOf((await h.taxii('analyst', h.objectsUrl)).body)).toHaveLength(before);
    });

    it('accepts a STIX bundle posted as application/stix+json', async () => {
      const r = mixedReport(50);
      const res = await h.taxii('analyst', h.objectsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/stix+json;version=2.1' },
        payload: JSON.stringify(bundle([r])),
      });
      expect(res.statusCode, res.body).toBe(202);
      expect((await h.taxii('analyst', `${h.objectsUrl}${r.id}/`)).statusCode).toBe(200);
    });

    it('answers a POST with a status resource that its poster can read back', async () => {
      const res = await h.postTaxii('analyst', bundle([mixedReport(51)]).objects);
      expect(res.statusCode).toBe(202);
      const status = res.json();
      expect(status).toMatchObject({ status: 'complete', failure_count: 0, pending_count: 0 });
      expect(status.success_count).toBe(status.total_count);
      const again = await h.taxii('analyst', `${h.root}status/${status.id}/`);
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(status.id);
      expect((await h.taxii('analyst', `${h.root}status/not-a-status/`)).statusCode).toBe(404);
    });

    it('gives analyst-low the CONFIDENTIAL portions of mixed reports, never a SECRET one (R7, R10)', async () => {
      const res = await h.taxii('analyst-low', h.objectsUrl);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(SECRET_MARK);
      expect(res.body).not.toContain(SECRET_MARKING.id);
      const objects = objectsOf(res.body);
      for (const r of mixed) {
        const seen = objects.find((o) => o.id === r.id);
        expect(seen, r.id).toBeDefined();
        expect(JSON.stringify(seen)).toContain(LOW_MARK);
        expect(JSON.stringify(seen)).toContain('"withheld":true');
      }
      for (const r of secret) expect(objects.some((o) => o.id === r.id)).toBe(false);
      // the label the served objects use travels with them
      expect(objects.some((o) => o.id === LOW_MARKING.id)).toBe(true);
      for (const o of objects) expect(oasisValidator().validateObject(o), o.id).toEqual([]);
    });

    it('gives analyst (SECRET tier) everything, SECRET portions included', async () => {
      const res = await h.taxii('analyst', h.objectsUrl);
      expect(res.body).toContain(SECRET_MARK);
      const ids = objectsOf(res.body).map((o) => o.id);
      for (const r of [...mixed, ...secret]) expect(ids).toContain(r.id);
      expect(ids).toContain(SECRET_MARKING.id);
    });

    it('hides a SECRET object from analyst-low by id, versions and manifest: 404 and absent', async () => {
      const id = secret[0]!.id;
      expect((await h.taxii('analyst-low', `${h.objectsUrl}${id}/`)).statusCode).toBe(404);
      expect((await h.taxii('analyst-low', `${h.objectsUrl}${id}/versions/`)).statusCode).toBe(404);
      expect((await h.taxii('analyst', `${h.objectsUrl}${id}/`)).statusCode).toBe(200);
      const low = (
        await h.taxii('analyst-low', `${h.root}collections/${h.node.collectionId}/manifest/`)
      ).json();
      const high = (await h.taxii('analyst', `${h.root}collections/${h.node.collectionId}/manifest/`)).json();
      const lowIds = low.objects.map((m: { id: string }) => m.id);
      expect(lowIds).not.toContain(id);
      expect(lowIds).toContain(mixed[0]!.id);
      expect(high.objects.length - low.objects.length).toBeGreaterThanOrEqual(secret.length);
      for (const m of low.objects) expect(m.media_type).toBe('application/stix+json;version=2.1');
    });

    it('filters by match[type], match[id] (comma list and repeated) and match[spec_version]', async () => {
      const byType = objectsOf((await h.taxii('analyst', `${h.objectsUrl}?match[type]=report`)).body);
      expect(byType.filter((o) => o.type === 'report').length).toBeGreaterThanOrEqual(
        mixed.length + secret.length,
      );
      // beside the reports, only the marking-definitions they use
      expect(byType.every((o) => o.type === 'report' || o.type === 'marking-definition')).toBe(true);
      expect(objectsOf((await h.taxii('analyst', `${h.objectsUrl}?match[type]=indicator`)).body)).toEqual([]);
      const two = `${mixed[0]!.id},${mixed[1]!.id}`;
      const byId = objectsOf((await h.taxii('analyst', `${h.objectsUrl}?match[id]=${two}`)).body).filter(
        (o) => o.type === 'report',
      );
      expect(byId.map((o) => o.id).sort()).toEqual([mixed[0]!.id, mixed[1]!.id].sort());
      const repeated = objectsOf(
        (await h.taxii('analyst', `${h.objectsUrl}?match[id]=${mixed[0]!.id}&match[id]=${mixed[2]!.id}`))
          .body,
      ).filter((o) => o.type === 'report');
      expect(repeated.map((o) => o.id).sort()).toEqual([mixed[0]!.id, mixed[2]!.id].sort());
      const v20 = await h.taxii('analyst', `${h.objectsUrl}?match[spec_version]=2.0`);
      expect(v20.statusCode).toBe(200);
      expect(objectsOf(v20.body)).toEqual([]);
    });

    it('refuses malformed filters with 400', async () => {
      for (const q of ['limit=0', 'limit=abc', 'added_after=yesterday', 'match[version]=newest']) {
        const res = await h.taxii('analyst', `${h.objectsUrl}?${q}`);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().http_status).toBe('400');
      }
    });

    it('keeps versions: match[version] first, last, all and a timestamp; versions endpoint lists them', async () => {
      const id = `report--0b7c4a2e-8d7e-4a38-9f54-7a1c2e3d4f50`;
      const v1 = mixedReport(60, id, '2026-02-10T00:00:00.000Z');
      const v2 = { ...mixedReport(61, id, '2026-02-11T00:00:00.000Z'), created: v1.created };
      expect((await h.postTaxii('analyst', bundle([v1]).objects)).statusCode).toBe(202);
      expect((await h.postTaxii('analyst', bundle([v2]).objects)).statusCode).toBe(202);
      const url = `${h.objectsUrl}${id}/`;
      const modifiedOf = async (q: string) =>
        objectsOf((await h.taxii('analyst', `${url}${q}`)).body)
          .filter((o) => o.type === 'report')
          .map((o) => o.modified);
      expect(await modifiedOf('')).toEqual(['2026-02-11T00:00:00.000Z']);
      expect(await modifiedOf('?match[version]=first')).toEqual(['2026-02-10T00:00:00.000Z']);
      expect((await modifiedOf('?match[version]=all')).sort()).toEqual([
        '2026-02-10T00:00:00.000Z',
        '2026-02-11T00:00:00.000Z',
      ]);
      expect(await modifiedOf('?match[version]=2026-02-10T00:00:00.000Z')).toEqual([
        '2026-02-10T00:00:00.000Z',
      ]);
      const versions = await h.taxii('analyst', `${url}versions/`);
      expect(versions.statusCode).toBe(200);
      expect(
        versions
          .json()
          .versions.map((v: string) => Date.parse(v))
          .sort(),
      ).toEqual([Date.parse('2026-02-10T00:00:00.000Z'), Date.parse('2026-02-11T00:00:00.000Z')]);
      expect(versions.headers['x-taxii-date-added-first']).toBeDefined();
    });

    it('pages with limit/next and added_after without duplicates or skips while items are added', async () => {
      const seen: string[] = [];
      let next: string | undefined;
      let pages = 0;
      let added = 0;
      do {
        const res = await h.taxii(
          'analyst',
          `${h.objectsUrl}?match[type]=report&limit=2${next ? `&next=${encodeURIComponent(next)}` : ''}`,
        );
        expect(res.statusCode).toBe(200);
        const env = res.json();
        const reports = (env.objects ?? []).filter((o: Obj) => o.type === 'report');
        expect(reports.length).toBeLessThanOrEqual(2);
        if (reports.length > 0) {
          expect(res.headers['x-taxii-date-added-first']).toMatch(/^\d{4}-/);
          expect(Date.parse(String(res.headers['x-taxii-date-added-last']))).toBeGreaterThanOrEqual(
            Date.parse(String(res.headers['x-taxii-date-added-first'])),
          );
        }
        seen.push(...reports.map((o: Obj) => `${o.id}@${o.modified}`));
        // someone posts between our pages: the new report must come at the end, exactly once
        if (added < 2) {
          await h.postTaxii('analyst', bundle([mixedReport(70 + added)]).objects);
          added++;
        }
        next = env.more ? env.next : undefined;
        if (env.more) expect(typeof env.next).toBe('string');
        pages++;
      } while (next && pages < 100);
      expect(new Set(seen).size).toBe(seen.length);
      const all = objectsOf((await h.taxii('analyst', `${h.objectsUrl}?match[type]=report`)).body).filter(
        (o) => o.type === 'report',
      );
      expect(seen.sort()).toEqual(all.map((o) => `${o.id}@${o.modified}`).sort());

      // added_after from the last page's header resumes strictly after it
      const first = await h.taxii('analyst', `${h.objectsUrl}?match[type]=report&limit=3`);
      const last = String(first.headers['x-taxii-date-added-last']);
      const rest = objectsOf(
        (
          await h.taxii(
            'analyst',
            `${h.objectsUrl}?match[type]=report&added_after=${encodeURIComponent(last)}`,
          )
        ).body,
      ).filter((o) => o.type === 'report');
      const firstIds = objectsOf(first.body).filter((o) => o.type === 'report');
      expect(firstIds.length + rest.length).toBe(all.length);
    });

    it('deletes an object as a destroy decision: 404 unseen, 403 when the rules refuse, gone afterwards', async () => {
      const r = mixedReport(80);
      await h.postTaxii('analyst', bundle([r]).objects);
      expect(
        (await h.taxii('analyst-low', `${h.objectsUrl}${secret[1]!.id}/`, { method: 'DELETE' })).statusCode,
      ).toBe(404);
      // R18: destruction needs the security officer's role, an analyst is refused
      const refused = await h.taxii('analyst', `${h.objectsUrl}${r.id}/`, { method: 'DELETE' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error_code: 'FORBIDDEN', http_status: '403' });
      expect((await h.taxii('analyst', `${h.objectsUrl}${r.id}/`)).statusCode).toBe(200);
      const del = await h.taxii('security', `${h.objectsUrl}${r.id}/`, { method: 'DELETE' });
      expect(del.statusCode).toBe(200);
      expect((await h.taxii('analyst', `${h.objectsUrl}${r.id}/`)).statusCode).toBe(404);
    });

    it('refuses a malformed envelope with 400 and stores nothing', async () => {
      const count = async () =>
        objectsOf((await h.taxii('analyst', `${h.objectsUrl}?match[version]=all`)).body).length;
      const before = await count();
      for (const payload of ['{"objects": [', '[]', '{"more": false}', '{"objects": "x"}', '']) {
        const res = await h.taxii('analyst', h.objectsUrl, {
          method: 'POST',
          headers: { 'content-type': TAXII_MEDIA_TYPE },
          payload,
        });
        expect(res.statusCode, payload).toBe(400);
        expect(res.json().http_status).toBe('400');
      }
      expect(await count()).toBe(before);
    });

    it('refuses invalid STIX and unresolvable labels with 422 and stores none of the post', async () => {
      const count = async () =>
        objectsOf((await h.taxii('analyst', `${h.objectsUrl}?match[version]=all`)).body).length;
      const before = await count();
      const good = mixedReport(90);
      const noName = { ...mixedReport(91) } as Record<string, unknown>;
      delete noName.name;
      const unknownLabel = {
        ...mixedReport(92),
        object_marking_refs: [`marking-definition--${crypto.randomUUID()}`],
      };
      for (const bad of [noName, unknownLabel]) {
        const res = await h.postTaxii('analyst', bundle([good, bad as Obj]).objects);
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json()).toMatchObject({ error_code: 'UNPROCESSABLE_CONTENT', http_status: '422' });
      }
      expect(await count()).toBe(before);
      expect((await h.taxii('analyst', `${h.objectsUrl}${good.id}/`)).statusCode).toBe(404);
    });

    it('refuses a post by a person who may not create at that label (403), storing nothing', async () => {
      const r = secretReport(95);
      const res = await h.postTaxii('analyst-low', bundle([r]).objects);
      expect(res.statusCode).toBe(403);
      expect(res.json().http_status).toBe('403');
      expect((await h.taxii('analyst', `${h.objectsUrl}${r.id}/`)).statusCode).toBe(404);
    });
  });
}

describe('TAXII body limits', () => {
  it('answers 413 with a TAXII error above a lowered max_content_length, and advertises that limit', async () => {
    const h = await harness(await nodeFactories.fake!(), { maxContentLength: 4096 });
    expect((await h.taxii('analyst', h.root)).json().max_content_length).toBe(4096);
    const reports = Array.from({ length: 10 }, (_, i) => mixedReport(i));
    expect(JSON.stringify({ objects: bundle(reports).objects }).length).toBeGreaterThan(4096);
    const res = await h.postTaxii('analyst', bundle(reports).objects);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE', http_status: '413' });
    await h.close();
  });
});
