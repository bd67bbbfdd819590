import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReltoError } from '../../errors/index.js';
import { labelMarkingId, labelToMarking, oasisValidator, partyIdentityId } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { sharedData } from '../../test-support/shared-data.js';
import type { ReltoNode } from '../node-service.js';
import type { Person, PostRefusal } from '../service.js';
import {
  addKorPeople,
  CONFIDENTIAL,
  DIALECTS,
  LOW_ID,
  labelMarkings,
  makeNode,
  mixedReport,
  type NodeHarness,
  SECRET,
  uuid,
} from '../test-support/node-harness.js';
import { labelBundle } from './label-bundle.js';

const ICS = sharedData('attack/ics-attack-18.1.json');
const ics = JSON.parse(readFileSync(ICS, 'utf8')) as { objects: StixObject[] };

async function reportCount(node: ReltoNode, p: Person): Promise<number> {
  let n = 0;
  let next: string | undefined;
  do {
    const page = await node.listObjects(p, { limit: 1000, ...(next ? { next } : {}) });
    n += page.objects.length;
    next = page.more ? page.next : undefined;
  } while (next);
  return n;
}

/** A report with one marking, its floor, and no portions. */
function plainReport(floor: string): StixObject {
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${uuid()}`,
    created: '2026-02-01T00:00:00.000Z',
    modified: '2026-02-01T00:00:00.000Z',
    name: 'Launch observed near Sinpo',
    published: '2026-02-01T00:00:00.000Z',
    object_refs: [`location--${uuid()}`],
    object_marking_refs: [floor],
  };
}

async function refusal(p: Promise<unknown>): Promise<ReltoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ReltoError) return e;
    throw e;
  }
  throw new Error('expected the post to be refused');
}

for (const dialect of DIALECTS) {
  describe(`posting items (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;
    let baseline: number;

    beforeAll(async () => {
      h = await makeNode(dialect);
      node = await h.open();
      people = await addKorPeople(node);
      baseline = await reportCount(node, people.analyst!);
    });
    afterAll(async () => {
      await node?.close();
      await h?.cleanup();
    });

    it('stores the labelled ATT&CK ICS bundle (1,826 objects) in one post, and serves back only valid STIX', async () => {
      const labelled = labelBundle(ics.objects, CONFIDENTIAL);
      expect(labelled).toHaveLength(1827); // + the label's marking-definition
      const t0 = performance.now();
      const status = await node.postObjects(people.analyst!, labelled);
      const ms = performance.now() - t0;
      console.log(
        `[${dialect}] ICS bundle: ${labelled.length} objects posted in ${ms.toFixed(0)} ms = ${Math.round((labelled.length / ms) * 1000)} objects/s`,
      );
      expect(status.total).toBe(1827);
      // The label, the statement and the 1,825 objects, each stored.
      expect(status.objects).toHaveLength(1827);
      // 1,825 non-marking objects stored as items, the statement and the label as marking-definitions.
      expect(await reportCount(node, people.analyst!)).toBe(baseline + 1825);
      const validator = oasisValidator();
      let next: string | undefined;
      let served = 0;
      const markings = new Map<string, StixObject>();
      do {
        const page = await node.listObjects(people['analyst-low']!, {
          limit: 500,
          ...(next ? { next } : {}),
        });
        for (const o of page.objects) expect(validator.validateObject(o, o.id)).toEqual([]);
        for (const m of page.markings) markings.set(m.id, m);
        served += page.objects.length;
        next = page.more ? page.next : undefined;
      } while (next);
      expect(served).toBe(baseline + 1825);
      for (const m of markings.values()) expect(validator.validateObject(m)).toEqual([]);
      // The ATT&CK statement is kept beside the relto floor label.
      expect([...markings.keys()].sort()).toEqual(
        [labelMarkingId(CONFIDENTIAL), 'marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168'].sort(),
      );
    });

    it('posting the same bundle again stores no new version (duplicates are reported, not doubled)', async () => {
      const before = await reportCount(node, people.analyst!);
      const status = await node.postObjects(people.analyst!, labelBundle(ics.objects, CONFIDENTIAL));
      expect(status.objects.filter((s) => s.outcome === 'duplicate')).toHaveLength(1825);
      expect(await reportCount(node, people.analyst!)).toBe(before);
    });

    it('a malformed object refuses the whole post: nothing stored (one transaction per post)', async () => {
      const before = await reportCount(node, people.analyst!);
      const good = mixedReport();
      const bad = { ...mixedReport(), published: 'yesterday' };
      const e = await refusal(node.postObjects(people.analyst!, [...labelMarkings(), good, bad]));
      expect(e.code).toBe('INVALID_STIX');
      const refused = e.details as PostRefusal;
      expect(refused.failures.map((f) => f.id)).toEqual([bad.id]);
      expect(refused.total).toBe(labelMarkings().length + 2);
      expect(await reportCount(node, people.analyst!)).toBe(before);
      expect((await node.getObject(people.analyst!, good.id, {})).objects).toEqual([]);
    });

    it('a label whose id does not match its content is refused (LABEL_ID_MISMATCH, §6), nothing stored', async () => {
      const forged = { ...labelToMarking(SECRET), id: labelMarkingId(CONFIDENTIAL) } as unknown as StixObject;
      const doc = { ...mixedReport(), granular_markings: undefined };
      delete (doc as Record<string, unknown>).granular_markings;
      const e = await refusal(node.postObjects(people.analyst!, [forged, doc]));
      expect(e.code).toBe('LABEL_ID_MISMATCH');
      expect((await node.getObject(people.analyst!, doc.id, {})).objects).toEqual([]);
    });

    it('unknown or unresolvable markings are refused, never stored unmarked (§6)', async () => {
      const unmarked = { ...mixedReport(), object_marking_refs: undefined, granular_markings: undefined };
      delete (unmarked as Record<string, unknown>).object_marking_refs;
      delete (unmarked as Record<string, unknown>).granular_markings;
      const e = await refusal(node.postObjects(people.analyst!, [unmarked]));
      expect(e.code).toBe('INVALID_LABEL');
      // Each object at fault is named with what is wrong, and nothing else.
      expect((e.details as PostRefusal).failures).toEqual([{ id: unmarked.id, message: expect.any(String) }]);
      const unknownRef = {
        ...mixedReport(),
        object_marking_refs: ['marking-definition--00000000-0000-4000-8000-0000000000aa'],
      };
      expect((await refusal(node.postObjects(people.analyst!, [unknownRef]))).code).toBe('INVALID_LABEL');
      const twoFloors = {
        ...mixedReport(),
        object_marking_refs: [labelMarkingId(CONFIDENTIAL), labelMarkingId(SECRET)],
      };
      expect((await refusal(node.postObjects(people.analyst!, [...labelMarkings(), twoFloors]))).code).toBe(
        'INVALID_LABEL',
      );
      const badSelector = {
        ...mixedReport(),
        granular_markings: [{ marking_ref: labelMarkingId(SECRET), selectors: ['no_such_property'] }],
      };
      expect((await refusal(node.postObjects(people.analyst!, [...labelMarkings(), badSelector]))).code).toBe(
        'INVALID_LABEL',
      );
      for (const o of [unmarked, unknownRef, twoFloors, badSelector]) {
        expect((await node.getObject(people.analyst!, o.id, {})).objects).toEqual([]);
      }
    });

    it('R10: a person may not create what they may not read — a SECRET portion posted by analyst-low is refused', async () => {
      const before = await reportCount(node, people.analyst!);
      const doc = mixedReport();
      const e = await refusal(node.postObjects(people['analyst-low']!, [...labelMarkings(), doc]));
      expect(e.code).toBe('FORBIDDEN');
      expect(JSON.stringify(e.details)).toContain('CLEARANCE_TOO_LOW');
      expect(await reportCount(node, people.analyst!)).toBe(before);
    });

    it("R25: refuses an object or label under another party's name (a JPN label, created_by_ref naming JPN) as FOREIGN_ORIGINATOR, storing nothing", async () => {
      const before = await reportCount(node, people.analyst!);
      const jpnLabel = labelToMarking({
        originator: 'JPN',
        classification: 'HI',
        releasableTo: ['JPN', 'KOR'],
      }) as unknown as StixObject;
      const underJpn = { ...plainReport(LOW_ID), object_marking_refs: [jpnLabel.id] };
      const e = await refusal(node.postObjects(people.analyst!, [jpnLabel, underJpn]));
      expect(e.code).toBe('FOREIGN_ORIGINATOR');
      expect(e.message).toContain(jpnLabel.id);
      const failed = (e.details as PostRefusal).failures.map((f) => f.id);
      expect(failed.sort()).toEqual([jpnLabel.id, underJpn.id].sort());

      // A KOR label, but created by JPN's identity: still another party's name.
      const forgedBy = { ...plainReport(LOW_ID), created_by_ref: partyIdentityId('JPN') };
      const own = plainReport(LOW_ID);
      const e2 = await refusal(node.postObjects(people.analyst!, [...labelMarkings(), own, forgedBy]));
      expect(e2.code).toBe('FOREIGN_ORIGINATOR');
      expect(e2.message).toContain(forgedBy.id);
      for (const o of [underJpn, forgedBy, own]) {
        expect((await node.getObject(people.analyst!, o.id, {})).objects).toEqual([]);
      }
      expect(await reportCount(node, people.analyst!)).toBe(before);
    });

    it('keeps versions: a newer `modified` is a new version, and reads use the latest by default', async () => {
      const id = mixedReport().id;
      await node.postObjects(people.analyst!, [
        ...labelMarkings(),
        mixedReport({ id, modified: '2026-03-01T00:00:00.000Z' }),
      ]);
      await node.postObjects(people.analyst!, [
        mixedReport({ id, modified: '2026-03-02T00:00:00.000Z', lowText: 'Second look.' }),
      ]);
      const latest = await node.getObject(people.analyst!, id, {});
      expect(latest.objects.map((o) => o.modified)).toEqual(['2026-03-02T00:00:00.000Z']);
      expect((await node.versions(people.analyst!, id, {})).versions).toHaveLength(2);
    });
  });
}
