import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { LABEL_EXTENSION_ID } from './ids.js';
import { LABEL_SCHEMA_FILE, labelExtensionJsonSchema } from './label-extension-schema.js';
import { alternativeMarking, labelToMarking } from './marking.js';

const root = new URL('../../', import.meta.url);
const fixed = JSON.parse(readFileSync(new URL('data/relto-stix-objects.json', root), 'utf8')) as {
  objects: { id: string; schema?: string }[];
};
const shipped = () => JSON.parse(readFileSync(new URL(LABEL_SCHEMA_FILE, root), 'utf8')) as object;
const validate = () => new Ajv2020({ allErrors: true, strict: true }).compile(shipped());
const extensionOf = (md: { extensions: Record<string, unknown> }) => md.extensions[LABEL_EXTENSION_ID];

describe('the relto label extension definition names a schema shipped with the package (contracts §6)', () => {
  it("its `schema` names data/relto-label.schema.json, which exists and is in package.json's files", () => {
    const definition = fixed.objects.find((o) => o.id === LABEL_EXTENSION_ID)!;
    expect(definition.schema).toContain(LABEL_SCHEMA_FILE);
    expect(existsSync(new URL(LABEL_SCHEMA_FILE, root))).toBe(true);
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain(LABEL_SCHEMA_FILE.split('/')[0]);
  });

  it('the shipped file is the TypeBox definition written out (regenerate it from labelExtensionJsonSchema)', () => {
    expect(shipped()).toEqual(labelExtensionJsonSchema());
  });

  it('validates the labels relto makes: a full label, a minimal one and a receiver-equivalent one', () => {
    const check = validate();
    const full = labelToMarking({
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['USA', 'JPN'],
      restrictive: { Designation: ['TOKUTEI'], Compartment: ['BMD'] },
      informative: { Administrative: ['exercise'] },
      caveats: ['ORCON', 'NOFORN'],
      topics: ['DPRK-MISSILE'],
      purpose: 'missile defence',
    });
    const minimal = labelToMarking({ originator: 'KOR', classification: 'U' });
    const alternative = alternativeMarking({
      alternativeOf: full.id,
      party: 'KOR',
      classification: 'II',
      agreement: 'KOR-JPN-GSOMIA',
    });
    for (const md of [full, minimal, alternative]) {
      expect(check(extensionOf(md)), JSON.stringify(check.errors)).toBe(true);
    }
  });

  it('refuses what relto refuses: an empty list, a repeated value, an unknown caveat or property', () => {
    const check = validate();
    const base = extensionOf(labelToMarking({ originator: 'KOR', classification: 'II' })) as object;
    for (const bad of [
      { releasable_to: [] },
      { topics: ['A', 'A'] },
      { caveats: ['SECRET'] },
      { restrictive: {} },
      { originator: 'kor' },
      { colour: 'red' },
    ]) {
      expect(check({ ...base, ...bad }), JSON.stringify(bad)).toBe(false);
    }
    expect(check({ extension_type: 'property-extension', classification: 'II' })).toBe(false);
  });
});
