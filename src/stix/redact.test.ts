import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { sharedData } from '../test-support/shared-data.js';
import { loadReltoStixObjects } from './fixed-objects.js';
import { PORTIONS_EXTENSION_ID } from './ids.js';
import { oasisValidator } from './load-schemas.js';
import { labelMarkingId, labelToMarking } from './marking.js';
import { isRedacted, portionSelector, portionsOf, withPortions } from './portions.js';
import { bannerInputs, floorMarkingId, redact, scopesOf, textScopes } from './redact.js';
import type { StixValidator } from './validator.js';

let v: StixValidator;
beforeAll(() => {
  v = oasisValidator();
});

// Labels: the floor and a second label in the CONFIDENTIAL tier (군사III급비밀), one in the SECRET tier.
const FLOOR: Label = { originator: 'KOR', classification: 'III', releasableTo: ['KOR', 'JPN'] };
const CONF2: Label = {
  originator: 'KOR',
  classification: 'III',
  releasableTo: ['KOR', 'JPN'],
  topics: ['DPRK-MISSILE'],
};
const SECRET: Label = { originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'] };
const TOP: Label = { originator: 'KOR', classification: 'I' };
const LABELS = [FLOOR, CONF2, SECRET, TOP];
const byId = new Map(LABELS.map((l) => [labelMarkingId(l), l]));
const [FLOOR_ID, CONF2_ID, SECRET_ID, TOP_ID] = LABELS.map(labelMarkingId);
const TLP_AMBER = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';
const TLP_GREEN = 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da';

const resolve = (id: string): Label | undefined => byId.get(id);
const RANK: Record<string, number> = { U: 0, R: 1, III: 2, II: 3, I: 4 };
/** A reader cleared to a given KOR rank (analyst-low: III, the CONFIDENTIAL tier; analyst: II). */
const clearedTo =
  (level: string) =>
  (l: Label): boolean =>
    RANK[l.classification] <= RANK[level];

const T = '2026-01-05T09:00:00.000Z';

function report(): Record<string, unknown> {
  const base = {
    type: 'report',
    spec_version: '2.1',
    id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
    created: T,
    modified: T,
    created_by_ref: 'identity--707b02ff-b74d-5180-a7fa-c191e827b70c',
    name: 'DPRK launch assessment',
    published: T,
    report_types: ['threat-report'],
    object_refs: [
      'location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64',
      'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    ],
    description: 'Source network summary (secret)',
    labels: ['missile', 'humint-derived'],
    object_marking_refs: [FLOOR_ID, TLP_AMBER],
    granular_markings: [
      { selectors: ['description', 'labels.[1]'], marking_ref: SECRET_ID },
      { selectors: ['name'], marking_ref: TLP_GREEN },
    ],
  };
  const doc = withPortions(base, [
    { text: 'A launch was observed at dawn.', marking: FLOOR_ID },
    { text: 'Launch site coordinates from the secret source.', marking: SECRET_ID },
    { text: 'Trajectory consistent with an IRBM.', marking: CONF2_ID },
    { text: 'Names of the sources.', marking: SECRET_ID },
    { text: 'Weather was clear.' },
  ]);
  // A TLP marking on a withheld portion and on a kept one: non-relto, never used for access.
  (doc.granular_markings as unknown[]).push({
    selectors: [portionSelector(1), portionSelector(0)],
    marking_ref: TLP_GREEN,
  });
  return doc;
}

describe('redact: serving a reader (contracts §6, R7)', () => {
  it('the source document itself is valid STIX', () => {
    expect(v.validateObject(report())).toEqual([]);
  });

  it('a CONFIDENTIAL-tier reader keeps the CONFIDENTIAL portions, SECRET ones are withheld, and the view is valid STIX', () => {
    const doc = report();
    const before = structuredClone(doc);
    const view = redact(doc, resolve, clearedTo('III'))!;
    expect(view).not.toBeNull();
    expect(portionsOf(view)).toEqual([
      { text: 'A launch was observed at dawn.' },
      { withheld: true },
      { text: 'Trajectory consistent with an IRBM.' },
      { withheld: true },
      { text: 'Weather was clear.' },
    ]);
    expect(view).not.toHaveProperty('description');
    // labels.[1] was SECRET: an item of a list other than portions withholds the whole property.
    expect(view).not.toHaveProperty('labels');
    expect(view.name).toBe('DPRK launch assessment');
    expect(view.object_refs).toEqual(doc.object_refs);
    expect(isRedacted(view)).toBe(true);
    expect(v.validateObject(view)).toEqual([]);
    expect(doc).toEqual(before);
  });

  it('never leaks the withheld label id or text, and drops only the granular markings of what was withheld', () => {
    const view = redact(report(), resolve, clearedTo('III'))!;
    const text = JSON.stringify(view);
    expect(text).not.toContain(SECRET_ID);
    expect(text).not.toContain('secret source');
    expect(text).not.toContain('Names of the sources');
    expect(text).not.toContain('humint');
    expect(view.granular_markings).toEqual([
      { selectors: ['name'], marking_ref: TLP_GREEN },
      { selectors: [portionSelector(0)], marking_ref: FLOOR_ID },
      { selectors: [portionSelector(2)], marking_ref: CONF2_ID },
      { selectors: [portionSelector(0)], marking_ref: TLP_GREEN },
    ]);
    // TLP in object_marking_refs is kept as it came.
    expect(view.object_marking_refs).toEqual([FLOOR_ID, TLP_AMBER]);
  });

  it('a SECRET-tier reader gets the object itself, unmarked as redacted', () => {
    const doc = report();
    const view = redact(doc, resolve, clearedTo('II'));
    expect(view).toBe(doc);
    expect(isRedacted(view!)).toBe(false);
  });

  it('a reader who cannot read the floor gets nothing at all', () => {
    expect(redact(report(), resolve, clearedTo('R'))).toBeNull();
    expect(redact(report(), resolve, () => false)).toBeNull();
  });

  it('an object with no relto floor, or two, does not exist for anyone (fails closed)', () => {
    const none = { ...report(), object_marking_refs: [TLP_AMBER] };
    expect(redact(none, resolve, () => true)).toBeNull();
    const two = { ...report(), object_marking_refs: [FLOOR_ID, CONF2_ID] };
    expect(redact(two, resolve, () => true)).toBeNull();
    const { object_marking_refs: _, ...unmarked } = report();
    expect(redact(unmarked, resolve, () => true)).toBeNull();
  });

  it.each([
    ['name', 'name'],
    ['published', 'published'],
    ['an object_refs item', 'object_refs.[1]'],
    ['id', 'id'],
    ['created', 'created'],
  ])('withholding a required property (%s) makes the object absent', (_what, selector) => {
    const doc = report();
    (doc.granular_markings as unknown[]).push({ selectors: [selector], marking_ref: SECRET_ID });
    expect(redact(doc, resolve, clearedTo('III'))).toBeNull();
    expect(redact(doc, resolve, clearedTo('II'))).not.toBeNull();
  });

  it('withholds the required properties of each type: indicator pattern, relationship target, note content', () => {
    const common = { spec_version: '2.1', created: T, modified: T, object_marking_refs: [FLOOR_ID] };
    const indicator = {
      ...common,
      type: 'indicator',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      pattern: "[ipv4-addr:value = '198.51.100.1']",
      pattern_type: 'stix',
      valid_from: T,
      granular_markings: [{ selectors: ['pattern'], marking_ref: SECRET_ID }],
    };
    expect(redact(indicator, resolve, clearedTo('III'))).toBeNull();
    const rel = {
      ...common,
      type: 'relationship',
      id: 'relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad',
      relationship_type: 'uses',
      source_ref: 'intrusion-set--0c7e22ad-b099-4dc3-b0df-2ea3f49ae2e6',
      target_ref: 'malware--f8f8f8f8-5a15-4c29-8bb3-7dcc5d168d64',
      description: 'secret',
      granular_markings: [{ selectors: ['target_ref'], marking_ref: SECRET_ID }],
    };
    expect(redact(rel, resolve, clearedTo('III'))).toBeNull();
    const note = {
      ...common,
      type: 'note',
      id: 'note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
      abstract: 'summary',
      content: 'the note',
      object_refs: ['report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3'],
      granular_markings: [{ selectors: ['abstract'], marking_ref: SECRET_ID }],
    };
    const view = redact(note, resolve, clearedTo('III'))!;
    expect(view).not.toHaveProperty('abstract');
    expect(view).not.toHaveProperty('granular_markings');
    expect(v.validateObject(view)).toEqual([]);
  });

  it('a location keeps valid: withholding its only place property makes it absent, one of two is removed', () => {
    const loc = {
      type: 'location',
      spec_version: '2.1',
      id: 'location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64',
      created: T,
      modified: T,
      country: 'KP',
      object_marking_refs: [FLOOR_ID],
      granular_markings: [{ selectors: ['country'], marking_ref: SECRET_ID }],
    };
    expect(redact(loc, resolve, clearedTo('III'))).toBeNull();
    const both = { ...loc, region: 'eastern-asia', latitude: 39.0, longitude: 125.7 };
    const view = redact(both, resolve, clearedTo('III'))!;
    expect(view).not.toHaveProperty('country');
    expect(view.region).toBe('eastern-asia');
    expect(v.validateObject(view)).toEqual([]);
    const coords = {
      ...loc,
      latitude: 39.0,
      longitude: 125.7,
      granular_markings: [{ selectors: ['latitude', 'longitude'], marking_ref: SECRET_ID }],
    };
    expect(redact(coords, resolve, clearedTo('III'))).not.toBeNull();
    expect(
      redact({ ...coords, country: undefined, region: undefined }, resolve, clearedTo('III')),
    ).toBeNull();
  });

  it('creates the portions extension to say "redacted" when the object had none, and omits emptied granular_markings', () => {
    const campaign = {
      type: 'campaign',
      spec_version: '2.1',
      id: 'campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
      created: T,
      modified: T,
      name: 'Spear Phishing',
      objective: 'the secret objective',
      object_marking_refs: [FLOOR_ID],
      granular_markings: [{ selectors: ['objective'], marking_ref: TOP_ID }],
    };
    const view = redact(campaign, resolve, clearedTo('II'))!;
    expect(view).toEqual({
      ...campaign,
      objective: undefined,
      granular_markings: undefined,
      extensions: { [PORTIONS_EXTENSION_ID]: { extension_type: 'property-extension', redacted: true } },
    });
    expect(Object.keys(view)).not.toContain('granular_markings');
    expect(v.validateObject(view)).toEqual([]);
  });

  it('withholds a whole optional list when one of its items is withheld, dropping readable markings on its other items', () => {
    const doc = report();
    doc.external_references = [
      { source_name: 'open', description: 'press' },
      { source_name: 'closed', description: 'secret channel' },
    ];
    (doc.granular_markings as unknown[]).push(
      { selectors: ['external_references.[1]'], marking_ref: SECRET_ID },
      { selectors: ['external_references.[0]'], marking_ref: CONF2_ID },
    );
    const view = redact(doc, resolve, clearedTo('III'))!;
    expect(view).not.toHaveProperty('external_references');
    expect(JSON.stringify(view.granular_markings)).not.toContain('external_references');
    expect(v.validateObject(view)).toEqual([]);
  });

  it('removes a property inside another extension and keeps the extension valid', () => {
    const ext = 'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e';
    const doc = report();
    doc.extensions = {
      ...(doc.extensions as object),
      [ext]: { extension_type: 'property-extension', rank: 'colonel', unit: 'secret unit' },
    };
    (doc.granular_markings as unknown[]).push({
      selectors: [`extensions.${ext}.unit`],
      marking_ref: SECRET_ID,
    });
    const view = redact(doc, resolve, clearedTo('III'))!;
    expect((view.extensions as Record<string, unknown>)[ext]).toEqual({
      extension_type: 'property-extension',
      rank: 'colonel',
    });
    expect(v.validateObject(view)).toEqual([]);
  });

  it('drops an unreadable marking that selects nothing present, without calling the view redacted', () => {
    const doc = report();
    doc.granular_markings = [{ selectors: ['x_missing'], marking_ref: TOP_ID }];
    const view = redact(doc, resolve, clearedTo('II'))!;
    expect(JSON.stringify(view)).not.toContain(TOP_ID);
    expect(view).not.toHaveProperty('granular_markings');
    expect(isRedacted(view)).toBe(false);
  });

  it('passes marking-definitions and the fixed objects as they are', () => {
    const md = labelToMarking(SECRET);
    expect(redact(md as unknown as Record<string, unknown>, resolve, () => false)).toBe(md);
    for (const o of loadReltoStixObjects()) expect(redact(o, resolve, () => false)).toBe(o);
  });

  it('property: any document, any reader — portions shown exactly when all their labels are readable, no unreadable id leaks, always valid', () => {
    const labelIdx = fc.integer({ min: 0, max: LABELS.length - 1 });
    const portion = fc.record({
      text: fc.string({ minLength: 1, maxLength: 12 }),
      marks: fc.uniqueArray(labelIdx, { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        labelIdx,
        fc.array(portion, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('U', 'R', 'III', 'II', 'I'),
        fc.option(labelIdx, { nil: undefined }),
        (floorIdx, portions, level, descIdx) => {
          const floorId = labelMarkingId(LABELS[floorIdx]);
          let doc: Record<string, unknown> = {
            type: 'report',
            spec_version: '2.1',
            id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
            created: T,
            modified: T,
            name: 'r',
            published: T,
            object_refs: ['location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64'],
            description: 'desc',
            object_marking_refs: [floorId],
          };
          doc = withPortions(
            doc,
            portions.map((p) => ({ text: p.text })),
          );
          const gms: { selectors: string[]; marking_ref: string }[] = [];
          portions.forEach((p, i) => {
            for (const m of p.marks)
              gms.push({ selectors: [portionSelector(i)], marking_ref: labelMarkingId(LABELS[m]) });
          });
          if (descIdx !== undefined)
            gms.push({ selectors: ['description'], marking_ref: labelMarkingId(LABELS[descIdx]) });
          if (gms.length > 0) doc.granular_markings = gms;
          const mayRead = clearedTo(level);
          const view = redact(doc, resolve, mayRead);
          if (!mayRead(LABELS[floorIdx])) {
            expect(view).toBeNull();
            return;
          }
          expect(view).not.toBeNull();
          expect(v.validateObject(view)).toEqual([]);
          const shown = portionsOf(view!);
          portions.forEach((p, i) => {
            const readable = p.marks.every((m) => mayRead(LABELS[m]));
            expect(shown[i]).toEqual(readable ? { text: p.text } : { withheld: true });
          });
          const text = JSON.stringify(view);
          for (const l of LABELS) {
            if (!mayRead(l)) expect(text).not.toContain(labelMarkingId(l));
          }
          const descReadable = descIdx === undefined || mayRead(LABELS[descIdx]);
          expect(view!.description).toBe(descReadable ? 'desc' : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('redaction over the ATT&CK ICS bundle', () => {
  it('every labelled object, its description and first external reference SECRET, serves a valid view to a CONFIDENTIAL reader', () => {
    const bundle = JSON.parse(readFileSync(sharedData('attack/ics-attack-18.1.json'), 'utf8')) as {
      objects: Record<string, unknown>[];
    };
    let redacted = 0;
    for (const original of bundle.objects) {
      if (original.type === 'marking-definition') continue;
      const o: Record<string, unknown> = {
        ...original,
        object_marking_refs: [...((original.object_marking_refs as string[]) ?? []), FLOOR_ID],
      };
      const selectors = ['description', 'external_references.[0]'].filter(
        (p) => o[p.split('.')[0]] !== undefined,
      );
      if (selectors.length > 0) o.granular_markings = [{ selectors, marking_ref: SECRET_ID }];
      expect(v.validateObject(o)).toEqual([]);
      const view = redact(o, resolve, clearedTo('III'));
      expect(view).not.toBeNull();
      expect({ id: o.id, issues: v.validateObject(view) }).toEqual({ id: o.id, issues: [] });
      expect(JSON.stringify(view)).not.toContain(SECRET_ID);
      if (selectors.length > 0) {
        redacted++;
        expect(view).not.toHaveProperty('description');
        expect(view).not.toHaveProperty('external_references');
      }
      expect(redact(o, resolve, clearedTo('II'))).toBe(o);
    }
    expect(redacted).toBeGreaterThan(400);
  });
});

describe('floor, banner inputs and search scopes', () => {
  const isRelto = (id: string) => byId.has(id);

  it('finds the one relto floor label beside TLP', () => {
    expect(floorMarkingId(report(), isRelto)).toBe(FLOOR_ID);
    expect(floorMarkingId({ object_marking_refs: [TLP_AMBER] }, isRelto)).toBeNull();
  });

  it('lists the labels an object carries: floor first, then each granular relto label once (R7)', () => {
    const carried = bannerInputs(report(), resolve);
    expect(carried.map((c) => [c.markingId, c.floor])).toEqual([
      [FLOOR_ID, true],
      [SECRET_ID, false],
      [CONF2_ID, false],
    ]);
    expect(carried[1].label).toEqual(SECRET);
  });

  it('splits text by what protects it, so search never matches text the reader may not see', () => {
    const scopes = textScopes(report(), isRelto);
    const floor = scopes.find((s) => s.markingIds.length === 1)!;
    expect(floor.markingIds).toEqual([FLOOR_ID]);
    expect(floor.text).toContain('DPRK launch assessment');
    expect(floor.text).toContain('A launch was observed at dawn.');
    expect(floor.text).toContain('Weather was clear.');
    expect(floor.text).not.toContain('secret');
    expect(floor.text).not.toContain(T);
    const secret = scopes.find((s) => s.markingIds.includes(SECRET_ID))!;
    expect(secret.markingIds).toEqual([FLOOR_ID, SECRET_ID]);
    for (const t of [
      'Launch site coordinates',
      'Names of the sources',
      'Source network summary',
      'humint-derived',
    ]) {
      expect(secret.text).toContain(t);
    }
    const conf2 = scopes.find((s) => s.markingIds.includes(CONF2_ID))!;
    expect(conf2.text).toBe('Trajectory consistent with an IRBM.');
    // Three scopes: the floor, floor + SECRET, floor + CONF2 (portion 0's explicit floor marking adds none).
    expect(scopes).toHaveLength(3);
  });

  it('gives an object without granular relto labels one floor scope, as the general split would', () => {
    const ics = (
      JSON.parse(readFileSync(sharedData('attack/ics-attack-18.1.json'), 'utf8')) as {
        objects: Record<string, unknown>[];
      }
    ).objects;
    let compared = 0;
    for (const o of ics) {
      if (o.type === 'marking-definition') continue;
      const object = { ...o, object_marking_refs: [FLOOR_ID] };
      expect(textScopes(object, isRelto)).toEqual(scopesOf(object, FLOOR_ID, []));
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('gives no scopes for an object without a floor label', () => {
    expect(textScopes({ ...report(), object_marking_refs: [TLP_AMBER] }, isRelto)).toEqual([]);
  });
});
