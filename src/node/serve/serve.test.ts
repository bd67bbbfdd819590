import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oasisValidator } from '../../stix/index.js';
import type { ReltoNode } from '../node-service.js';
import type { Person } from '../service.js';
import {
  addKorPeople,
  DIALECTS,
  HIGH_ID,
  LOW_ID,
  labelMarkings,
  makeNode,
  mixedReport,
  type NodeHarness,
} from '../test-support/node-harness.js';

const SECRET_WORDS = ['Telemetry', 'solid fuel', 'separation'];

function leaks(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...SECRET_WORDS, HIGH_ID].filter((w) => text.includes(w));
}

for (const dialect of DIALECTS) {
  describe(`serving a reader (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;
    const doc = mixedReport({ modified: '2026-02-01T00:00:00.000Z' });
    const v2 = { ...mixedReport({ id: doc.id, modified: '2026-02-02T00:00:00.000Z' }) };
    const secretOnly = { ...mixedReport(), object_marking_refs: [HIGH_ID], granular_markings: undefined };
    delete (secretOnly as Record<string, unknown>).granular_markings;

    beforeAll(async () => {
      h = await makeNode(dialect);
      node = await h.open();
      people = await addKorPeople(node);
      const posted = [...labelMarkings(), doc, v2, secretOnly];
      const status = await node.postObjects(people.analyst!, posted);
      expect(status.total).toBe(posted.length);
    });
    afterAll(async () => {
      await node?.close();
      await h?.cleanup();
    });

    it('R7: analyst-low receives the CONFIDENTIAL-tier portions of a document whose other portions are SECRET', async () => {
      const page = await node.getObject(people['analyst-low']!, doc.id, {});
      expect(page.objects).toHaveLength(1);
      const o = page.objects[0]!;
      const ext = (o.extensions as Record<string, { portions: unknown[]; redacted?: boolean }>)[
        'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b'
      ]!;
      expect(ext.portions[0]).toEqual({ text: 'A missile was launched at 06:12 local time.' });
      expect(ext.portions[1]).toEqual({ withheld: true });
      expect(ext.redacted).toBe(true);
      expect(o.description).toBeUndefined();
      expect(leaks(page)).toEqual([]);
      expect(oasisValidator().validateObject(o)).toEqual([]);
      // The markings served are the ones the view uses: the CONFIDENTIAL floor, not the SECRET label.
      expect(page.markings.map((m) => m.id)).toEqual([LOW_ID]);
    });

    it('R7, R10: analyst-low never receives SECRET content through list, get, versions, manifest, search or counts', async () => {
      const low = people['analyst-low']!;
      const list = await node.listObjects(low, { types: ['report'] });
      expect(list.objects.map((o) => o.id)).toEqual([doc.id]);
      expect(leaks(list)).toEqual([]);
      const all = await node.listObjects(low, { versions: ['all'] });
      expect(all.objects.filter((o) => o.type === 'report')).toHaveLength(2);
      expect(leaks(all)).toEqual([]);
      expect(await node.getObject(low, secretOnly.id, {})).toMatchObject({ objects: [], more: false });
      const versions = await node.versions(low, doc.id, {});
      expect(versions.versions).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-02T00:00:00.000Z']);
      expect((await node.versions(low, secretOnly.id, {})).versions).toEqual([]);
      const manifest = await node.manifest(low, { types: ['report'] });
      expect(manifest.objects.map((m) => m.id)).toEqual([doc.id]);
      // Search: the SECRET words match nothing for this reader; the CONFIDENTIAL words match the document.
      expect(await node.search(low, { text: 'telemetry' })).toEqual({ total: 0, hits: [] });
      expect(await node.search(low, { text: 'separation' })).toEqual({ total: 0, hits: [] });
      const found = await node.search(low, { text: 'missile launched' });
      expect(found.total).toBe(1);
      expect(found.hits[0]!.id).toBe(doc.id);
      expect((await node.search(low, { text: 'Sinpo' })).total).toBe(1);
    });

    it('R10: the SECRET-tier analyst sees everything, unredacted', async () => {
      const a = people.analyst!;
      const got = await node.getObject(a, doc.id, {});
      expect(got.objects[0]!.description).toBe('Telemetry intercept shows solid fuel stage separation');
      expect(new Set(got.markings.map((m) => m.id))).toEqual(new Set([LOW_ID, HIGH_ID]));
      expect((await node.search(a, { text: 'telemetry' })).total).toBe(2);
      expect((await node.listObjects(a, { types: ['report'] })).objects).toHaveLength(2);
    });

    it('pages are filled with visible objects only, and `more` never counts what is withheld', async () => {
      const low = people['analyst-low']!;
      const first = await node.listObjects(low, { types: ['report'], versions: ['all'], limit: 1 });
      expect(first.objects).toHaveLength(1);
      expect(first.more).toBe(true);
      const second = await node.listObjects(low, {
        types: ['report'],
        versions: ['all'],
        limit: 1,
        next: first.next!,
      });
      expect(second.objects).toHaveLength(1);
      // Only the SECRET-floored report is left after it: for this reader there is nothing more.
      expect(second.more).toBe(false);
    });

    it('serves the fixed relto objects to everyone, unlabelled (§6)', async () => {
      const list = await node.listObjects(people['analyst-low']!, { types: ['extension-definition'] });
      expect(list.objects.map((o) => o.id).sort()).toEqual([
        'extension-definition--75bce083-7fed-4d2c-9812-176dc807b829',
        'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b',
      ]);
    });
  });
}
