import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../label/index.js';
import { alternativeMarking, labelMarkingId, labelToMarking } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import type { ReltoNode } from '../node-service.js';
import type { Person } from '../service.js';
import {
  addKorPeople,
  CONFIDENTIAL,
  DIALECTS,
  HIGH_ID,
  labelMarkings,
  makeNode,
  mixedReport,
  type NodeHarness,
  SECRET,
} from '../test-support/node-harness.js';
import { storeAsReceived } from '../test-support/received.js';

const ORCON: Label = { ...CONFIDENTIAL, caveats: ['ORCON'] };
const KOR_ORCON_FOR_JPN: Label = {
  originator: 'KOR',
  classification: 'III',
  releasableTo: ['JPN'],
  caveats: ['ORCON'],
};

function plainReport(floor: string, text = 'Plain report text'): StixObject {
  const r: StixObject = { ...mixedReport({ lowText: text }), object_marking_refs: [floor] };
  delete (r as Record<string, unknown>).granular_markings;
  delete (r as Record<string, unknown>).extensions;
  r.description = text;
  return r;
}

for (const dialect of DIALECTS) {
  describe(`custody, destruction, reclassification, compromise (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;
    beforeAll(async () => {
      h = await makeNode(dialect);
      node = await h.open();
      people = await addKorPeople(node);
      await node.postObjects(people.analyst!, [
        ...labelMarkings(),
        labelToMarking(ORCON) as unknown as StixObject,
      ]);
    });
    afterAll(async () => {
      await node?.close();
      await h?.cleanup();
    });

    it('R26: copies are numbered, translations and prints recorded, each with who and when', async () => {
      const doc = plainReport(labelMarkingId(CONFIDENTIAL));
      await node.postObjects(people.analyst!, [doc]);
      const c1 = await node.recordCustody(people.analyst!, doc.id, 'copy');
      const c2 = await node.recordCustody(people['analyst-low']!, doc.id, 'copy', { to: 'desk 4' });
      await node.recordCustody(people.analyst!, doc.id, 'translation', { lang: 'ja' });
      await node.recordCustody(people.analyst!, doc.id, 'print');
      expect([c1.copyNumber, c2.copyNumber]).toEqual([1, 2]);
      const records = await node.listCustody(people.analyst!, doc.id);
      expect(records.map((r) => [r.kind, r.by])).toEqual([
        ['copy', 'analyst'],
        ['copy', 'analyst-low'],
        ['translation', 'analyst'],
        ['print', 'analyst'],
      ]);
      expect(records[1]!.details).toEqual({ to: 'desk 4' });
    });

    it('an item the person cannot see is NOT_FOUND for custody, as everywhere', async () => {
      const doc = plainReport(HIGH_ID);
      await node.postObjects(people.analyst!, [doc]);
      await expect(node.recordCustody(people['analyst-low']!, doc.id, 'copy')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(node.listCustody(people['analyst-low']!, doc.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('R18, R27: only a security officer destroys; the item is then gone from every read path', async () => {
      const doc = plainReport(labelMarkingId(CONFIDENTIAL), 'Zanzibarwordunique destruction candidate');
      await node.postObjects(people.analyst!, [doc]);
      expect((await node.search(people.analyst!, { text: 'Zanzibarwordunique' })).total).toBe(1);
      await expect(node.destroyObject(people.analyst!, doc.id, {})).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await node.destroyObject(people.security!, doc.id, {})).toBe(true);
      for (const p of [people.analyst!, people.security!]) {
        expect((await node.getObject(p, doc.id, {})).objects).toEqual([]);
        expect((await node.versions(p, doc.id, {})).versions).toEqual([]);
        expect((await node.manifest(p, { ids: [doc.id] })).objects).toEqual([]);
        expect((await node.listObjects(p, { ids: [doc.id], versions: ['all'] })).objects).toEqual([]);
        expect(await node.search(p, { text: 'Zanzibarwordunique' })).toEqual({ total: 0, hits: [] });
      }
      // The store keeps a tombstone with no key (crypto-erasure); the raw-file proof is the store's own test.
      expect((await node.store.getItem(doc.id))?.destroyedAt).not.toBeNull();
      expect(await node.store.getObject(doc.id)).toBeNull();
      expect((await node.store.listCustody(doc.id)).map((r) => r.kind)).toContain('destruction');
      // A destroyed item cannot be posted back (R27), and a second destruction finds nothing.
      await expect(node.postObjects(people.analyst!, [doc])).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await node.destroyObject(people.security!, doc.id, {})).toBe(false);
    });

    it('R8: reclassification re-marks every stored version; decisions use the latest label for all of them', async () => {
      const id = plainReport(labelMarkingId(CONFIDENTIAL)).id;
      const v1 = {
        ...plainReport(labelMarkingId(CONFIDENTIAL), 'first'),
        id,
        modified: '2026-04-01T00:00:00.000Z',
      };
      const v2 = {
        ...plainReport(labelMarkingId(CONFIDENTIAL), 'second'),
        id,
        modified: '2026-04-02T00:00:00.000Z',
      };
      await node.postObjects(people.analyst!, [v1, v2]);
      expect((await node.versions(people['analyst-low']!, id, {})).versions).toHaveLength(2);
      await expect(node.reclassify(people.analyst!, id, SECRET)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await node.reclassify(people.security!, id, SECRET);
      // analyst-low (CONFIDENTIAL tier) now sees no version at all; the analyst sees both under the new label.
      expect((await node.versions(people['analyst-low']!, id, {})).versions).toEqual([]);
      expect(
        (await node.listObjects(people['analyst-low']!, { ids: [id], versions: ['all'] })).objects,
      ).toEqual([]);
      const all = await node.listObjects(people.analyst!, { ids: [id], versions: ['all'] });
      expect(all.objects.map((o) => o.object_marking_refs)).toEqual([[HIGH_ID], [HIGH_ID]]);
      expect((await node.listCustody(people.analyst!, id)).map((r) => r.kind)).toEqual(['reclassification']);
    });

    it('R28: a compromise report moves reported → investigating → findings-sent → closed, audited', async () => {
      const doc = plainReport(labelMarkingId(CONFIDENTIAL));
      await node.postObjects(people.analyst!, [doc]);
      await expect(node.reportCompromise(people.analyst!, { items: [doc.id] })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      const report = await node.reportCompromise(people.security!, {
        items: [doc.id],
        description: 'laptop lost',
        deadlines: { findings: '2026-06-01T00:00:00Z' },
      });
      expect(report).toMatchObject({ status: 'reported', originator: 'KOR', items: [doc.id] });
      await expect(
        node.advanceCompromise(people.security!, report.id, { to: 'closed' }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      await node.advanceCompromise(people.security!, report.id, { to: 'investigating' });
      await node.advanceCompromise(people.security!, report.id, {
        to: 'findings-sent',
        findings: 'no access',
        measures: 'disk wiped',
      });
      const closed = await node.advanceCompromise(people.security!, report.id, { to: 'closed' });
      expect(closed.history.map((s) => s.status)).toEqual([
        'reported',
        'investigating',
        'findings-sent',
        'closed',
      ]);
      await expect(node.listCompromises(people.analyst!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await node.listCompromises(people.security!)).map((r) => r.id)).toContain(report.id);
      const head = await node.auditHead(people.security!);
      const entries = await node.auditEntries(people.security!, 0, head.treeSize);
      const steps = entries.filter(
        (e) => e.entry.kind === 'compromise' && e.entry.subjects?.[0] === report.id,
      );
      expect(steps.map((e) => e.entry.action)).toEqual([
        'reported',
        'investigating',
        'findings-sent',
        'closed',
      ]);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`a foreign ORCON item on the receiving node (${dialect})`, () => {
    it('R6, R16: a JPN reader may read a KOR ORCON item received under the GSOMIA, with its alternative label served beside it, but not copy or print it', async () => {
      const h = await makeNode(dialect, 'JPN');
      const node = await h.open();
      try {
        await node.admin.addUser({
          name: 'jpn-analyst',
          password: 'a good password',
          clearance: 'GOKUHI',
          roles: ['analyst'],
        });
        const me = (await node.authenticateBasic('jpn-analyst', 'a good password'))!;
        const original = labelToMarking(KOR_ORCON_FOR_JPN) as unknown as StixObject;
        const alternative = alternativeMarking({
          alternativeOf: original.id,
          party: 'JPN',
          classification: 'HI',
          agreement: 'KOR-JPN-GSOMIA',
        }) as unknown as StixObject;
        const doc = plainReport(original.id, 'Received from Korea');
        await storeAsReceived(node, [original, alternative, doc]);
        const page = await node.getObject(me, doc.id, {});
        expect(page.objects).toHaveLength(1);
        expect(page.markings.map((m) => m.id).sort()).toEqual([original.id, alternative.id].sort());
        await expect(node.recordCustody(me, doc.id, 'copy')).rejects.toMatchObject({
          code: 'FORBIDDEN',
          details: { reasons: [{ code: 'ORCON_CONSENT_REQUIRED' }] },
        });
        await expect(node.recordCustody(me, doc.id, 'print')).rejects.toMatchObject({ code: 'FORBIDDEN' });
        expect(await node.store.listCustody(doc.id)).toEqual([]);
        await node.flushAudit();
        const denies = (await node.store.readAudit(0, 10_000))
          .map((r) => JSON.parse(r.entry))
          .filter((e) => e.decision === 'deny' && e.action === 'copy');
        expect(denies[0]).toMatchObject({ reasons: ['ORCON_CONSENT_REQUIRED'], subjects: [doc.id] });
      } finally {
        await node.close();
        await h.cleanup();
      }
    });
  });
}
