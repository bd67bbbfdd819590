import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundle,
  KOR_IDENTITY,
  LOW_MARKING,
  mixedReport,
  SECRET_MARKING,
  secretReport,
} from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { realNodeFactories } from '../test-support/nodes.js';

/*
 * What a TAXII 2.1 client that trusts the standard meets: a page holds at most `limit` objects, the
 * marking-definitions counted among them as objects of the collection; `match[type]` answers only that
 * type; polling with `added_after` set to the last page's X-TAXII-Date-Added-Last never repeats or misses
 * an object, also when a whole post lands in one millisecond.
 */

type Obj = Record<string, unknown> & { id: string; type: string };
const TLP_GREEN = 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da';

function indicator(n: number): Obj {
  const t = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    created: t,
    modified: t,
    created_by_ref: KOR_IDENTITY,
    name: `Launch site watch ${n}`,
    pattern: "[ipv4-addr:value = '198.51.100.7']",
    pattern_type: 'stix',
    valid_from: t,
    object_marking_refs: [LOW_MARKING.id, TLP_GREEN],
  };
}

for (const [kind, makeNode] of realNodeFactories) {
  describe(`TAXII paging and filters as the standard says, over the ${kind} node`, () => {
    let h: Harness;
    const mixed = Array.from({ length: 12 }, (_, n) => mixedReport(n));
    const secret = [secretReport(1), secretReport(2)];
    const indicators = Array.from({ length: 7 }, (_, n) => indicator(n));

    beforeAll(async () => {
      h = await harness(await makeNode());
      const first = await h.postTaxii('analyst', bundle([...mixed, ...secret]).objects);
      expect(first.statusCode, first.body).toBe(202);
      // One post: its objects share a millisecond on a fast node (date_added is finer than that).
      const second = await h.postTaxii('analyst', indicators);
      expect(second.statusCode, second.body).toBe(202);
    });
    afterAll(async () => {
      await h?.close();
      await h?.node.close();
    });

    const get = async (as: string, query: string) => {
      const res = await h.taxii(as, `${h.objectsUrl}${query}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { objects?: Obj[]; more?: boolean; next?: string };
      return {
        objects: body.objects ?? [],
        more: body.more === true,
        next: body.next,
        last: res.headers['x-taxii-date-added-last'] as string | undefined,
        first: res.headers['x-taxii-date-added-first'] as string | undefined,
      };
    };

    /** Every object the person may read, following `next` at `limit`. */
    const allByNext = async (as: string, limit: number, filter = ''): Promise<Obj[]> => {
      const out: Obj[] = [];
      let next: string | undefined;
      for (let pages = 0; pages < 200; pages++) {
        const page = await get(
          as,
          `?limit=${limit}${filter}${next ? `&next=${encodeURIComponent(next)}` : ''}`,
        );
        expect(page.objects.length).toBeLessThanOrEqual(limit);
        out.push(...page.objects);
        if (!page.more) return out;
        next = page.next;
        expect(next).toBeTruthy();
      }
      throw new Error('paging did not end');
    };

    it('answers at most `limit` objects, the marking-definitions counted (observation: 10 asked, 11 served)', async () => {
      const page = await get('analyst', '?limit=10');
      expect(page.objects).toHaveLength(10);
      expect(page.more).toBe(true);
      const all = await allByNext('analyst', 10);
      const ids = all.map((o) => `${o.id}|${o.modified ?? o.created}`);
      expect(new Set(ids).size).toBe(ids.length);
      // every object once: 12 mixed + 2 secret + 7 indicators, the identity, the two labels and TLP:GREEN
      for (const o of [...mixed, ...secret, ...indicators])
        expect(ids.some((i) => i.startsWith(o.id))).toBe(true);
      for (const m of [LOW_MARKING.id, SECRET_MARKING.id, TLP_GREEN]) {
        expect(all.filter((o) => o.id === m)).toHaveLength(1);
      }
    });

    it('answers only the type asked for with match[type] (observation: markings came with malware)', async () => {
      const reports = await allByNext('analyst', 5, '&match[type]=report');
      expect(reports.length).toBe(mixed.length + secret.length);
      expect(reports.every((o) => o.type === 'report')).toBe(true);
      const markings = await allByNext('analyst', 5, '&match[type]=marking-definition');
      expect(markings.every((o) => o.type === 'marking-definition')).toBe(true);
      expect(markings.map((o) => o.id).sort()).toEqual([LOW_MARKING.id, SECRET_MARKING.id, TLP_GREEN].sort());
      const both = await allByNext('analyst', 50, '&match[type]=indicator,marking-definition');
      expect(both.length).toBe(indicators.length + 3);
    });

    it('never repeats or misses an object when polled with added_after from the last page (observation: the label came again)', async () => {
      const everything = await allByNext('analyst', 1_000);
      const polled: Obj[] = [];
      let after: string | undefined;
      for (let round = 0; round < 100; round++) {
        const page = await get('analyst', `?limit=3${after ? `&added_after=${after}` : ''}`);
        if (page.objects.length === 0) break;
        polled.push(...page.objects);
        expect(page.last).toBeTruthy();
        after = page.last;
      }
      const key = (o: Obj) => `${o.id}|${o.modified ?? o.created}`;
      expect(polled.map(key)).toEqual(everything.map(key));
      expect(new Set(polled.map(key)).size).toBe(polled.length);
    });

    it('serves the label of a withheld portion to no one who may not read it, through every TAXII read', async () => {
      const all = await allByNext('analyst-low', 4);
      expect(all.some((o) => o.id === LOW_MARKING.id)).toBe(true);
      expect(all.some((o) => o.id === SECRET_MARKING.id)).toBe(false);
      const byId = await h.taxii('analyst-low', `${h.objectsUrl}${SECRET_MARKING.id}/`);
      expect(byId.statusCode).toBe(404);
      const versions = await h.taxii('analyst-low', `${h.objectsUrl}${SECRET_MARKING.id}/versions/`);
      expect(versions.statusCode).toBe(404);
      const manifest = await h.taxii('analyst-low', `${h.root}collections/${h.node.collectionId}/manifest/`);
      expect(manifest.body).not.toContain(SECRET_MARKING.id);
      expect(manifest.body).toContain(LOW_MARKING.id);
      const typed = await get('analyst-low', '?match[type]=marking-definition');
      expect(typed.objects.map((o) => o.id)).not.toContain(SECRET_MARKING.id);
    });

    it('lists a marking-definition in the manifest and versions with its one version, and refuses to delete it', async () => {
      const manifest = await h.taxii(
        'analyst',
        `${h.root}collections/${h.node.collectionId}/manifest/?match[id]=${LOW_MARKING.id}`,
      );
      expect(manifest.statusCode, manifest.body).toBe(200);
      const records = manifest.json().objects as { id: string; version: string; date_added: string }[];
      expect(records).toHaveLength(1);
      expect(Date.parse(records[0]!.version)).toBe(Date.parse(String(LOW_MARKING.created)));
      const versions = await h.taxii('analyst', `${h.objectsUrl}${LOW_MARKING.id}/versions/`);
      expect(versions.statusCode, versions.body).toBe(200);
      expect(versions.json().versions).toHaveLength(1);
      const gone = await h.taxii('security', `${h.objectsUrl}${LOW_MARKING.id}/`, {
        method: 'DELETE',
      });
      expect(gone.statusCode, gone.body).toBe(403);
      const still = await h.taxii('analyst', `${h.objectsUrl}${LOW_MARKING.id}/`);
      expect(still.statusCode).toBe(200);
    });
  });
}
