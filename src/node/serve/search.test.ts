import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../label/index.js';
import { labelMarkingId, labelToMarking, textScopes } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import type { ReltoNode } from '../node-service.js';
import type { Person } from '../service.js';
import {
  addKorPeople,
  CONFIDENTIAL,
  DIALECTS,
  HIGH_ID,
  LOW_ID,
  labelMarkings,
  makeNode,
  mixedReport,
  type NodeHarness,
  uuid,
} from '../test-support/node-harness.js';
import { SEARCH_COUNT_CAP } from './search.js';

/*
 * Search decides per label and settles granular labels from the clear columns (search.ts): these tests hold
 * it to what the reader's own view of every object says, for objects whose search rows need each path —
 * plain floors, SECRET portions and descriptions, a SECRET required property (absent), "at least one of"
 * properties (decrypted to settle), text under two granular labels, and the count cap.
 */

const T = '2026-02-01T00:00:00.000Z';

/** A second CONFIDENTIAL-tier label whose id sorts after the SECRET one (so it is the row's marking). */
const OTHER: Label = (() => {
  for (const topics of [['DPRK-MISSILE'], ['DPRK-NUCLEAR'], ['DPRK-MISSILE', 'DPRK-NUCLEAR']]) {
    for (const releasableTo of [['JPN', 'USA'], ['JPN'], ['USA'], []]) {
      const label: Label = { ...CONFIDENTIAL, topics, releasableTo };
      if (releasableTo.length === 0) delete label.releasableTo;
      if (labelMarkingId(label) > HIGH_ID) return label;
    }
  }
  throw new Error('no CONFIDENTIAL label sorts after the SECRET one');
})();
const OTHER_ID = labelMarkingId(OTHER);

function sdo(type: string, extra: Record<string, unknown>, floor = LOW_ID): StixObject {
  return {
    type,
    spec_version: '2.1',
    id: `${type}--${uuid()}`,
    created: T,
    modified: T,
    object_marking_refs: [floor],
    ...extra,
  };
}

const corpus: StixObject[] = [
  // Floors alone.
  sdo('attack-pattern', { name: 'Modbus spoofing', description: 'alpha bravo spoofing of modbus frames' }),
  sdo('attack-pattern', { name: 'Firmware patch', description: 'alpha charlie firmware' }, HIGH_ID),
  sdo('attack-pattern', { name: 'Other topic', description: 'alpha delta topic' }, OTHER_ID),
  // A SECRET description over a CONFIDENTIAL floor.
  sdo('attack-pattern', {
    name: 'Ladder logic',
    description: 'bravo echo ladder secretdesc',
    granular_markings: [{ selectors: ['description'], marking_ref: HIGH_ID }],
  }),
  // A SECRET name: attack-pattern requires one, so the object is absent for a CONFIDENTIAL reader.
  sdo('attack-pattern', {
    name: 'Hidden name secretname',
    description: 'alpha foxtrot visible floor text',
    granular_markings: [{ selectors: ['name'], marking_ref: HIGH_ID }],
  }),
  // Locations: a SECRET region leaves the country (still valid); a SECRET region alone leaves nothing.
  sdo('location', {
    name: 'Sinpo golf yard',
    region: 'eastern-asia',
    country: 'KP',
    granular_markings: [{ selectors: ['region'], marking_ref: HIGH_ID }],
  }),
  sdo('location', {
    name: 'Mayang golf island',
    region: 'eastern-asia',
    granular_markings: [{ selectors: ['region'], marking_ref: HIGH_ID }],
  }),
  // Text under two granular labels, the greater id readable (the index row's marking), the other not.
  sdo('attack-pattern', {
    name: 'Double marked',
    description: 'hotel india doubledesc',
    granular_markings: [
      { selectors: ['description'], marking_ref: HIGH_ID },
      { selectors: ['description'], marking_ref: OTHER_ID },
    ],
  }),
  // The same under the readable label alone: found.
  sdo('attack-pattern', {
    name: 'Single marked',
    description: 'hotel juliet singledesc',
    granular_markings: [{ selectors: ['description'], marking_ref: OTHER_ID }],
  }),
  mixedReport({ lowText: 'alpha kilo portion text', highText: 'alpha lima secretportion' }),
];

const WORDS = [
  'alpha',
  'bravo',
  'modbus',
  'secretdesc',
  'secretname',
  'foxtrot',
  'golf',
  'eastern',
  'doubledesc',
  'singledesc',
  'hotel',
  'secretportion',
  'kilo',
  'alpha bravo',
];

function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The ids a reader should find: every object they can see with some scope of their view holding all words. */
async function expected(node: ReltoNode, reader: Person, text: string): Promise<string[]> {
  const wanted = words(text);
  const page = await node.listObjects(reader, { limit: 10_000 });
  const isRelto = (id: string) => page.markings.some((m) => m.id === id);
  return page.objects
    .filter((o) =>
      textScopes(o, isRelto).some((s) => {
        const w = new Set(words(s.text));
        return wanted.every((x) => w.has(x));
      }),
    )
    .map((o) => o.id)
    .sort();
}

for (const dialect of DIALECTS) {
  describe(`search (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;

    beforeAll(async () => {
      h = await makeNode(dialect);
      node = await h.open();
      people = await addKorPeople(node);
      const status = await node.postObjects(people.analyst!, [
        ...labelMarkings(),
        labelToMarking(OTHER) as unknown as StixObject,
        ...corpus,
      ]);
      expect(status.total).toBe(labelMarkings().length + 1 + corpus.length);
    });
    afterAll(async () => {
      await node?.close();
      await h?.cleanup();
    });

    it('R7, R10: finds exactly the objects whose words the reader would see, for every kind of marking', async () => {
      for (const name of ['analyst', 'analyst-low']) {
        const reader = people[name]!;
        for (const text of WORDS) {
          const want = await expected(node, reader, text);
          const got = await node.search(reader, { text, limit: 100 });
          expect({ name, text, ids: got.hits.map((x) => x.id).sort(), total: got.total }).toEqual({
            name,
            text,
            ids: want,
            total: want.length,
          });
        }
      }
    });

    it('R7: a CONFIDENTIAL reader never finds SECRET words, nor objects a SECRET required property hides', async () => {
      const low = people['analyst-low']!;
      for (const text of ['secretdesc', 'secretname', 'secretportion', 'doubledesc', 'eastern', 'charlie']) {
        expect(await node.search(low, { text })).toEqual({ total: 0, hits: [] });
      }
      // The object with a SECRET name is absent for them even by its CONFIDENTIAL description.
      expect((await node.search(low, { text: 'foxtrot' })).total).toBe(0);
      expect((await node.search(people.analyst!, { text: 'foxtrot' })).total).toBe(1);
      // A location keeps its country when its region is withheld: found; with nothing left, absent.
      const golf = await node.search(low, { text: 'golf' });
      expect(golf.hits.map((x) => x.name)).toEqual(['Sinpo golf yard']);
      expect(JSON.stringify(golf)).not.toContain(HIGH_ID);
    });

    it('filters by type, level and topic over what the reader may read', async () => {
      const a = people.analyst!;
      const all = (await node.search(a, { text: 'alpha', limit: 100 })).total;
      expect(all).toBe(5);
      expect((await node.search(a, { text: 'alpha', types: ['report'] })).total).toBe(1);
      // The level filter: CONFIDENTIAL tier only drops the SECRET-floored attack-pattern.
      expect((await node.search(a, { text: 'alpha', level: 'C' })).total).toBe(all - 1);
      expect((await node.search(a, { text: 'alpha', level: 'III' })).total).toBe(all - 1);
      await expect(node.search(a, { text: 'alpha', level: 'nonsense' })).rejects.toThrow(/level/);
    });
  });

  describe(`search count cap (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;
    // Enough that the scan stops before the last match, whatever its batch sizes.
    const many = Array.from({ length: SEARCH_COUNT_CAP * 2 }, (_, i) =>
      sdo('attack-pattern', {
        name: `Common ${i}`,
        description: `capword item ${i}${i % 2 ? ' oddword' : ''}`,
      }),
    );

    beforeAll(async () => {
      h = await makeNode(dialect);
      node = await h.open();
      people = await addKorPeople(node);
      const status = await node.postObjects(people.analyst!, [...labelMarkings(), ...many]);
      expect(status.total).toBe(labelMarkings().length + many.length);
    });
    afterAll(async () => {
      await node?.close();
      await h?.cleanup();
    });

    it('stops counting at the cap and says so; below it the count is exact; pages never overlap', async () => {
      const low = people['analyst-low']!;
      const capped = await node.search(low, { text: 'capword', limit: 50 });
      expect(capped.total).toBe(SEARCH_COUNT_CAP);
      expect(capped.totalCapped).toBe(true);
      const odd = await node.search(low, { text: 'oddword capword' });
      expect(odd.total).toBe(many.length / 2);
      expect(odd.totalCapped).toBeUndefined();
      const seen = new Set<string>();
      for (let offset = 0; offset < 200; offset += 50) {
        const page = await node.search(low, { text: 'capword', limit: 50, offset });
        expect(page.hits).toHaveLength(50);
        for (const x of page.hits) seen.add(x.id);
      }
      expect(seen.size).toBe(200);
      // Past the ranked block, pages go on (newest first) up to the last hit.
      const tail = await node.search(low, { text: 'capword', limit: 50, offset: many.length - 10 });
      expect(tail.hits).toHaveLength(10);
      expect(tail.totalCapped).toBeUndefined();
      expect(tail.total).toBe(many.length);
    });
  });
}
