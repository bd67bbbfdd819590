import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from '../app.js';
import {
  bundle,
  KOR_IDENTITY,
  LOW_MARKING,
  mixedReport,
  SECRET_MARK,
  SECRET_MARKING,
  secretReport,
} from '../test-support/fixtures.js';
import { realNodeFactories } from '../test-support/nodes.js';
import { STIX21, TAXII21, Taxii21Client, TaxiiError } from '../test-support/taxii21-client.js';

/*
 * The conformance tour: a node on real HTTP, driven by a TAXII 2.1 client written from the standard's text
 * (test-support/taxii21-client.ts, which checks every answer against what the standard requires): discovery,
 * API root, collections, objects with every filter and paging, manifest, versions, status, DELETE, and every
 * error status and media type a client meets.
 */

type Obj = Record<string, unknown>;
const MAX = 16 * 1024 * 1024;
const key = (o: Obj) => `${String(o.id)}|${String(o.modified ?? o.created)}`;

/** An indicator with two versions (the second a minute later). */
function indicatorVersions(): [Obj, Obj] {
  const id = `indicator--${randomUUID()}`;
  const v1 = '2026-03-01T00:00:00.000Z';
  const v2 = '2026-03-01T00:01:00.000Z';
  const base = {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: v1,
    created_by_ref: KOR_IDENTITY,
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: 'stix',
    valid_from: v1,
    object_marking_refs: [LOW_MARKING.id],
  };
  return [
    { ...base, modified: v1, name: 'Launch site watch' },
    { ...base, modified: v2, name: 'Launch site watch, revised' },
  ];
}

for (const [kind, makeNode] of realNodeFactories) {
  describe(`TAXII 2.1 conformance over real HTTP (${kind} node)`, () => {
    let app: ReltoApp;
    let close: () => Promise<void>;
    let discoveryUrl: string;
    let apiRoot: string;
    let collection: string;
    let collectionId: string;
    const analyst = Taxii21Client.basic('analyst', 'analyst-password');
    const low = Taxii21Client.basic('analyst-low', 'low-password');
    const officer = Taxii21Client.basic('security', 'security-password');
    const mixed = [mixedReport(1), mixedReport(2), mixedReport(3), mixedReport(4)];
    const secret = [secretReport(1), secretReport(2)];
    const [v1, v2] = indicatorVersions();

    /** What the standard says a refusal looks like: the status, as a TAXII error message. */
    const refused = async (call: Promise<unknown>, status: number): Promise<TaxiiError> => {
      const e = await call.then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(e, `expected HTTP ${status}`).toBeInstanceOf(TaxiiError);
      expect((e as TaxiiError).status).toBe(status);
      return e as TaxiiError;
    };

    beforeAll(async () => {
      const node = await makeNode();
      app = await buildApp(node, { maxContentLength: MAX });
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      discoveryUrl = `${address}/taxii2/`;
      close = async () => {
        await app.close();
        await node.close();
      };
    });
    afterAll(async () => close?.());

    it('discovers the server and its API root, which speaks TAXII 2.1', async () => {
      const discovery = await analyst.discovery(discoveryUrl);
      expect(discovery.api_roots).toHaveLength(1);
      apiRoot = discovery.api_roots![0]!;
      expect(discovery.default).toBe(apiRoot);
      const root = await analyst.apiRoot(apiRoot);
      expect(root.max_content_length).toBe(MAX);
    });

    it('lists its collection and gets it by id', async () => {
      const collections = await analyst.collections(apiRoot);
      expect(collections).toHaveLength(1);
      collectionId = String(collections[0]!.id);
      expect(collections[0]).toMatchObject({ can_read: true, can_write: true, media_types: [STIX21] });
      expect(await analyst.collection(apiRoot, collectionId)).toEqual(collections[0]);
      collection = `${apiRoot}collections/${collectionId}/`;
    });

    it('adds objects with a status resource, and answers the same status again', async () => {
      const status = await analyst.addObjects(collection, [...bundle([...mixed, ...secret]).objects, v1, v2]);
      expect(status).toMatchObject({
        status: 'complete',
        total_count: 10,
        success_count: 10,
        failure_count: 0,
      });
      expect(await analyst.status(apiRoot, status.id)).toEqual(status);
      // A body as application/taxii+json without a version is TAXII 2.1 (the latest) too.
      const again = await analyst.addObjects(collection, [mixedReport(5)], 'application/taxii+json');
      expect(again.success_count).toBe(1);
    });

    it('pages by `next` and by `added_after` alike: every object once, no page over `limit`', async () => {
      const byNext = await analyst.allByNext(collection, 3);
      const byAddedAfter = await analyst.allByAddedAfter(collection, 4);
      expect(byAddedAfter.map(key)).toEqual(byNext.map(key));
      expect(new Set(byNext.map(key)).size).toBe(byNext.length);
      const ids = new Set(byNext.map((o) => o.id));
      for (const o of [...mixed, ...secret, v2, LOW_MARKING, SECRET_MARKING])
        expect(ids.has(o.id)).toBe(true);
      // the default is the last version of each object
      expect(byNext.filter((o) => o.id === v1.id).map((o) => o.modified)).toEqual([v2.modified]);
    });

    it('filters by match[id], match[type], match[version] and match[spec_version]', async () => {
      const one = await analyst.getObjects(collection, { id: [mixed[0]!.id] });
      expect(one.body.objects?.map((o) => o.id)).toEqual([mixed[0]!.id]);
      const indicators = await analyst.getObjects(collection, { type: ['indicator'] });
      expect(indicators.body.objects?.every((o) => o.type === 'indicator')).toBe(true);
      const markings = await analyst.allByNext(collection, 2, { type: ['marking-definition'] });
      expect(markings.map((o) => o.id).sort()).toEqual([LOW_MARKING.id, SECRET_MARKING.id].sort());
      const versions = async (version: string[]) =>
        (await analyst.getObjects(collection, { id: [v1.id as string], version })).body.objects?.map(
          (o) => o.modified,
        );
      expect(await versions(['all'])).toEqual([v1.modified, v2.modified]);
      expect(await versions(['first'])).toEqual([v1.modified]);
      expect(await versions(['last'])).toEqual([v2.modified]);
      expect(await versions([v1.modified as string])).toEqual([v1.modified]);
      expect(await versions(['first', 'last'])).toEqual([v1.modified, v2.modified]);
      const all21 = await analyst.allByNext(collection, 100, { spec_version: ['2.1'] });
      expect(all21.length).toBe((await analyst.allByNext(collection, 100)).length);
      const none = await analyst.getObjects(collection, { spec_version: ['2.0'] });
      expect(none.body).toEqual({ more: false });
    });

    it('gets one object and its versions, with the date_added headers', async () => {
      const page = await analyst.getObject(collection, v1.id as string, { version: ['all'] });
      expect(page.body.objects?.map((o) => o.modified)).toEqual([v1.modified, v2.modified]);
      expect(page.first).toBeDefined();
      expect(page.last! >= page.first!).toBe(true);
      const versions = await analyst.versions(collection, v1.id as string);
      expect(versions.body.versions?.map((v) => Date.parse(v))).toEqual([
        Date.parse(v1.modified as string),
        Date.parse(v2.modified as string),
      ]);
      const paged = await analyst.versions(collection, v1.id as string, { limit: 1 });
      expect(paged.body).toMatchObject({ more: true });
      expect(paged.body.versions).toHaveLength(1);
    });

    it('serves a manifest record per object, filtered and paged like the objects', async () => {
      const manifest = await analyst.manifest(collection, { limit: 1_000 });
      const records = manifest.body.objects ?? [];
      const objects = await analyst.allByNext(collection, 1_000);
      expect(records.map((r) => r.id)).toEqual(objects.map((o) => o.id));
      expect(records.every((r) => r.media_type === STIX21)).toBe(true);
      const typed = await analyst.manifest(collection, { type: ['report'], limit: 2 });
      expect(typed.body.objects).toHaveLength(2);
      expect(typed.body.more).toBe(true);
      const after = await analyst.manifest(collection, { added_after: typed.last!, type: ['report'] });
      expect(after.body.objects?.[0]?.id).not.toBe(typed.body.objects?.[1]?.id);
    });

    it('shows a reader without clearance nothing above it, through every read', async () => {
      const everything = JSON.stringify([
        await low.allByNext(collection, 5),
        (await low.manifest(collection)).body,
        await low.allByNext(collection, 5, { type: ['marking-definition'] }),
      ]);
      expect(everything).not.toContain(SECRET_MARK);
      expect(everything).not.toContain(SECRET_MARKING.id);
      for (const s of secret) {
        expect(everything).not.toContain(s.id);
        await refused(low.getObject(collection, s.id), 404);
        await refused(low.versions(collection, s.id), 404);
      }
    });

    it('deletes an object for the security officer, after which it is gone', async () => {
      const r = mixedReport(9);
      await analyst.addObjects(collection, [r]);
      const e = await refused(analyst.deleteObject(collection, r.id), 403);
      expect(e.body.error_code).toBe('FORBIDDEN');
      await officer.deleteObject(collection, r.id);
      await refused(analyst.getObject(collection, r.id), 404);
    });

    it('answers every error as a TAXII error message with its status', async () => {
      // 400: a request the standard's parameters do not allow
      await refused(analyst.getObjects(collection, { limit: 0 }), 400);
      await refused(analyst.getObjects(collection, { next: 'not-a-cursor' }), 400);
      await refused(analyst.getObjects(collection, { added_after: 'yesterday' }), 400);
      await refused(analyst.getObjects(collection, { version: ['newest'] }), 400);
      // 401: no credentials, with a challenge; wrong ones
      const anonymous = await refused(analyst.request('GET', collection, { auth: false }), 401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
      await refused(Taxii21Client.basic('analyst', 'wrong').collections(apiRoot), 401);
      // 403: a post the person may not make (one may create only what one may read)
      await refused(low.addObjects(collection, [SECRET_MARKING, secretReport(7)]), 403);
      // 404: unknown collection, object and status
      await refused(analyst.collection(apiRoot, 'no-such-collection'), 404);
      await refused(analyst.getObject(collection, `report--${randomUUID()}`), 404);
      await refused(analyst.status(apiRoot, randomUUID()), 404);
      // 406: an Accept the server cannot answer
      await refused(
        Taxii21Client.basic('analyst', 'analyst-password', 'application/xml').collections(apiRoot),
        406,
      );
      await refused(
        Taxii21Client.basic('analyst', 'analyst-password', 'application/taxii+json;version=2.0').collections(
          apiRoot,
        ),
        406,
      );
      // 413: a body over max_content_length
      const big = JSON.stringify({ objects: [{ type: 'note', content: 'x'.repeat(MAX) }] });
      await refused(analyst.request('POST', `${collection}objects/`, { body: big }), 413);
      // 415: a body of another media type
      await refused(analyst.addObjects(collection, [mixedReport(6)], 'application/json'), 415);
      // 422: objects that are not valid STIX
      const invalid = await refused(
        analyst.addObjects(collection, [{ ...mixedReport(7), created: 'not a timestamp' }]),
        422,
      );
      expect(invalid.body.title).toBeTruthy();
    });

    it('accepts the media type without a version as TAXII 2.1', async () => {
      const plain = Taxii21Client.basic('analyst', 'analyst-password', 'application/taxii+json');
      expect((await plain.collections(apiRoot)).length).toBe(1);
      const r = await plain.request('GET', `${collection}objects/?limit=1`);
      expect(r.headers.get('content-type')).toBe(TAXII21);
    });
  });
}
