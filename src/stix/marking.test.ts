import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { type Label, normaliseLabel } from '../label/index.js';
import { loadReltoStixObjects } from './fixed-objects.js';
import { LABEL_EXTENSION_ID } from './ids.js';
import { oasisValidator } from './load-schemas.js';
import {
  alternativeMarking,
  labelMarkingId,
  labelToMarking,
  markingToAlternative,
  markingToLabel,
} from './marking.js';
import type { StixValidator } from './validator.js';

let v: StixValidator;
beforeAll(() => {
  v = oasisValidator();
});

/** UUIDv5 written out independently of src/canon, to check the id recipe of contracts §6. */
function independentUuidv5(name: string): string {
  const ns = Buffer.from('75bce0837fed4d2c9812176dc807b829', 'hex');
  const h = createHash('sha1').update(ns).update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const KOR_II: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN'],
  restrictive: { Compartment: ['BMD'], Designation: [] },
  informative: { Administrative: ['exercise'] },
  caveats: ['ORCON'],
  topics: ['DPRK-MISSILE'],
  purpose: 'missile defence',
  consents: [{ to: 'USA', by: 'KOR', at: '2026-01-05T09:00:00Z', ref: 'consent--1' }],
};

function fixedIdentity(party: string): string {
  const o = loadReltoStixObjects().find((x) => x.x_relto_party === party);
  return o!.id as string;
}

describe('label → marking-definition (contracts §6, R5)', () => {
  it('writes the label in snake_case under the relto extension, empty lists omitted, consents left out', () => {
    const md = labelToMarking(KOR_II);
    // Written out by hand from contracts §6: keys in canonical order, no Designation (empty), no consents.
    const canonicalText =
      '{"caveats":["ORCON"],"classification":"II","extension_type":"property-extension",' +
      '"informative":{"Administrative":["exercise"]},"originator":"KOR","purpose":"missile defence",' +
      '"releasable_to":["JPN","KOR"],"restrictive":{"Compartment":["BMD"]},"topics":["DPRK-MISSILE"]}';
    expect(md.extensions[LABEL_EXTENSION_ID]).toEqual(JSON.parse(canonicalText));
    expect(md.id).toBe(`marking-definition--${independentUuidv5(canonicalText)}`);
    expect(md.created).toBe('2026-01-01T00:00:00.000Z');
    expect(md.created_by_ref).toBe(fixedIdentity('KOR'));
    expect(md).not.toHaveProperty('definition_type');
    expect(JSON.stringify(md)).not.toContain('consent');
  });

  it('validates against the OASIS marking-definition schema', () => {
    expect(v.validateObject(labelToMarking(KOR_II))).toEqual([]);
    expect(v.validateObject(labelToMarking({ originator: 'USA', classification: 'U' }))).toEqual([]);
  });

  it('gives one id for one label however its lists are ordered or repeated (one label, one id everywhere)', () => {
    const messy: Label = {
      ...KOR_II,
      releasableTo: ['KOR', 'JPN', 'KOR'],
      restrictive: { Designation: [], Compartment: ['BMD', 'BMD'] },
      consents: [],
      informative: { Administrative: ['exercise'], Empty: [] },
    };
    expect(labelToMarking(messy)).toEqual(labelToMarking(KOR_II));
  });

  it('treats absent and empty alike', () => {
    const a = labelToMarking({ originator: 'JPN', classification: 'HI' });
    const b = labelToMarking({
      originator: 'JPN',
      classification: 'HI',
      releasableTo: [],
      restrictive: { Compartment: [] },
      informative: {},
      caveats: [],
      topics: [],
      purpose: '',
    });
    expect(b).toEqual(a);
  });

  it('gives different ids to different labels', () => {
    const ids = new Set([
      labelMarkingId(KOR_II),
      labelMarkingId({ ...KOR_II, classification: 'III' }),
      labelMarkingId({ ...KOR_II, releasableTo: ['KOR'] }),
      labelMarkingId({ ...KOR_II, caveats: ['NOFORN'] }),
      labelMarkingId({ ...KOR_II, purpose: 'other' }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('refuses a label it cannot write', () => {
    expect(() => labelToMarking({ originator: 'Korea', classification: 'II' })).toThrow(ReltoError);
    expect(() => labelToMarking({ ...KOR_II, caveats: ['SECRET' as 'ORCON'] })).toThrow(/caveats/);
    expect(() => labelToMarking({ ...KOR_II, topics: [''] })).toThrow(ReltoError);
  });

  it('round-trips random labels, and every marking made validates against OASIS', () => {
    const party = fc.constantFrom('KOR', 'JPN', 'USA');
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,8}$/);
    const label = fc.record(
      {
        originator: party,
        classification: fc.constantFrom('U', 'C', 'S', 'TS', 'II', 'III', 'HI', 'GOKUHI'),
        releasableTo: fc.array(party, { maxLength: 4 }),
        restrictive: fc.dictionary(word, fc.array(word, { maxLength: 3 }), { maxKeys: 3 }),
        informative: fc.dictionary(word, fc.array(word, { maxLength: 3 }), { maxKeys: 2 }),
        caveats: fc.array(fc.constantFrom('ORCON' as const, 'NOFORN' as const), { maxLength: 3 }),
        topics: fc.array(word, { maxLength: 3 }),
        purpose: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['originator', 'classification'] },
    );
    fc.assert(
      fc.property(label, (l) => {
        const md = labelToMarking(l);
        expect(v.validateObject(md)).toEqual([]);
        const back = markingToLabel(md);
        expect(labelToMarking(back)).toEqual(md);
        expect(back.originator).toBe(l.originator);
        // The marking's normal form is the label folder's normal form (one label, one id).
        const { consents: _, ...normal } = normaliseLabel(l);
        if (normal.purpose === '') delete normal.purpose;
        expect(back).toEqual(normal);
        expect(new Set(back.releasableTo ?? [])).toEqual(new Set(l.releasableTo ?? []));
      }),
      { numRuns: 200 },
    );
  });
});

describe('marking-definition → label', () => {
  it('reads back the label without consents', () => {
    const { consents: _, ...rest } = KOR_II;
    expect(markingToLabel(labelToMarking(KOR_II))).toEqual({
      ...rest,
      releasableTo: ['JPN', 'KOR'],
      restrictive: { Compartment: ['BMD'] },
    });
  });

  it('refuses a marking whose id does not match its content (LABEL_ID_MISMATCH)', () => {
    const md = labelToMarking(KOR_II);
    const lowered = structuredClone(md);
    (lowered.extensions[LABEL_EXTENSION_ID] as { classification: string }).classification = 'III';
    expect(() => markingToLabel(lowered)).toThrow(
      expect.objectContaining({ code: 'LABEL_ID_MISMATCH', path: '/id' }),
    );
    const renamed = { ...md, id: labelMarkingId({ originator: 'KOR', classification: 'II' }) };
    expect(() => markingToLabel(renamed)).toThrow(expect.objectContaining({ code: 'LABEL_ID_MISMATCH' }));
  });

  it('refuses a marking not in normal form, with something unknown, or with the wrong creator or date', () => {
    const md = labelToMarking(KOR_II);
    const ext = md.extensions[LABEL_EXTENSION_ID];
    const unsorted = structuredClone(md);
    unsorted.extensions[LABEL_EXTENSION_ID] = { ...ext, releasable_to: ['KOR', 'JPN'] };
    expect(() => markingToLabel(unsorted)).toThrow(expect.objectContaining({ code: 'INVALID_LABEL' }));
    const unknown = structuredClone(md);
    unknown.extensions[LABEL_EXTENSION_ID] = { ...ext, clearance: 'x' };
    expect(() => markingToLabel(unknown)).toThrow(
      expect.objectContaining({ code: 'INVALID_LABEL', path: `/extensions/${LABEL_EXTENSION_ID}/clearance` }),
    );
    expect(() => markingToLabel({ ...md, created_by_ref: fixedIdentity('JPN') })).toThrow(
      expect.objectContaining({ path: '/created_by_ref' }),
    );
    expect(() => markingToLabel({ ...md, created: '2026-02-01T00:00:00.000Z' })).toThrow(
      expect.objectContaining({ path: '/created' }),
    );
    expect(() => markingToLabel({ ...md, x_colour: 'red' })).toThrow(
      expect.objectContaining({ path: '/x_colour' }),
    );
    expect(() => markingToLabel({ ...md, name: ['not', 'text'] })).toThrow(
      expect.objectContaining({ path: '/name' }),
    );
  });

  it('reads the label of a marking another tool wrote with a name, a description and references', () => {
    const md = labelToMarking(KOR_II);
    const written = {
      ...md,
      name: '군사II급비밀',
      description: 'Label as our STIX tool exports it',
      external_references: [{ source_name: 'relto' }],
    };
    expect(markingToLabel(written)).toEqual(markingToLabel(md));
  });

  it('refuses a TLP marking: it is not a relto label', () => {
    const tlpRed = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: 'TLP:RED',
      definition: { tlp: 'red' },
    };
    expect(() => markingToLabel(tlpRed)).toThrow(expect.objectContaining({ code: 'INVALID_LABEL' }));
  });
});

describe('receiver-equivalent label (R6)', () => {
  const original = labelToMarking(KOR_II);
  const alt = {
    alternativeOf: original.id,
    party: 'JPN',
    classification: 'GOKUHI',
    agreement: 'KOR-JPN-GSOMIA',
  };

  it("is created by the receiver's identity, carries the four fields, and validates", () => {
    const md = alternativeMarking(alt);
    expect(md.created_by_ref).toBe(fixedIdentity('JPN'));
    const text =
      `{"agreement":"KOR-JPN-GSOMIA","alternative_of":"${original.id}","classification":"GOKUHI",` +
      '"extension_type":"property-extension","party":"JPN"}';
    expect(md.extensions[LABEL_EXTENSION_ID]).toEqual(JSON.parse(text));
    expect(md.id).toBe(`marking-definition--${independentUuidv5(text)}`);
    expect(v.validateObject(md)).toEqual([]);
  });

  it('never edits the originator marking, and reads back', () => {
    const before = structuredClone(original);
    const md = alternativeMarking(alt);
    expect(original).toEqual(before);
    expect(md.id).not.toBe(original.id);
    expect(markingToAlternative(md)).toEqual(alt);
    expect(() => markingToLabel(md)).toThrow(/alternative/);
  });

  it('refuses an alternative whose id does not match its content', () => {
    const md = structuredClone(alternativeMarking(alt));
    (md.extensions[LABEL_EXTENSION_ID] as { classification: string }).classification = 'HI';
    expect(() => markingToAlternative(md)).toThrow(expect.objectContaining({ code: 'LABEL_ID_MISMATCH' }));
    expect(() => alternativeMarking({ ...alt, alternativeOf: 'identity--x' })).toThrow(ReltoError);
  });
});
