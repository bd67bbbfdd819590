import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { sharedData } from '../test-support/shared-data.js';
import { loadReltoStixObjects } from './fixed-objects.js';
import { loadOasisSchemas } from './load-schemas.js';
import { createStixValidator, type StixValidator, withTypeUnions } from './validator.js';

const ICS = sharedData('attack/ics-attack-18.1.json');
const EXAMPLES = new URL('../../data/stix2.1-schemas/examples/', import.meta.url).pathname;

let v: StixValidator;
beforeAll(() => {
  v = createStixValidator(loadOasisSchemas());
});

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

const campaign = () => ({
  type: 'campaign',
  spec_version: '2.1',
  id: 'campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
  created: '2016-05-12T08:17:27.000Z',
  modified: '2016-05-12T08:17:27.000Z',
  name: 'Spear Phishing',
});

describe('STIX validation against the OASIS schemas', () => {
  it('accepts every object of the ATT&CK ICS bundle', () => {
    // How fast is the benchmarks' business (http:taxii-post measures validation beside raw inserts).
    const bundle = JSON.parse(readFileSync(ICS, 'utf8')) as { objects: unknown[] };
    expect(bundle.objects).toHaveLength(1826);
    expect(v.validateBundle(bundle)).toEqual([]);
  });

  it('accepts every OASIS example', () => {
    const files = exampleFiles(EXAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(f, 'utf8'));
      const issues = doc.type === 'bundle' ? v.validateBundle(doc) : v.validateObject(doc);
      expect({ file: f, issues }).toEqual({ file: f, issues: [] });
    }
  });

  it('accepts the fixed relto objects (identities, extension definitions)', () => {
    for (const o of loadReltoStixObjects()) expect(v.validateObject(o)).toEqual([]);
  });

  it('names the JSON Pointer of a missing required property inside a bundle', () => {
    const bundle = JSON.parse(readFileSync(ICS, 'utf8')) as { objects: Record<string, unknown>[] };
    delete bundle.objects[3].created;
    const issues = v.validateBundle(bundle);
    expect(issues[0]).toEqual({ pointer: '/objects/3/created', message: 'is required' });
  });

  it('names the pointer and the expectation of a malformed timestamp', () => {
    const o = { ...campaign(), modified: '2016-05-12 08:17' };
    const issues = v.validateObject(o, '/objects/0');
    expect(issues[0].pointer).toBe('/objects/0/modified');
    expect(issues[0].message).toMatch(/pattern/);
  });

  it('refuses a report without object_refs and an indicator without pattern', () => {
    const report = {
      ...campaign(),
      type: 'report',
      id: 'report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3',
      published: '2016-05-12T08:17:27.000Z',
    };
    expect(v.validateObject(report)[0].pointer).toBe('/object_refs');
    const indicator = {
      ...campaign(),
      type: 'indicator',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      pattern_type: 'stix',
      valid_from: '2016-05-12T08:17:27Z',
    };
    expect(v.validateObject(indicator)[0].pointer).toBe('/pattern');
  });

  it('lists the types the OASIS schemas define (what a node checks once before it takes traffic)', () => {
    const types = v.types();
    for (const t of ['report', 'indicator', 'malware', 'marking-definition', 'relationship', 'ipv4-addr'])
      expect(types, t).toContain(t);
    expect(types).not.toContain('bundle');
    expect(types.every((t) => v.hasSchema(t))).toBe(true);
  });

  it('checks custom types against the core schema only', () => {
    const custom = {
      ...campaign(),
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
    };
    expect(v.hasSchema('x-mitre-tactic')).toBe(false);
    expect(v.validateObject({ ...custom, x_mitre_shortname: 'evasion' })).toEqual([]);
    const { created: _, ...noCreated } = custom;
    expect(v.validateObject(noCreated)[0].pointer).toBe('/created');
  });

  it('refuses an id whose prefix is not the type, for custom types too', () => {
    const custom = { ...campaign(), type: 'x-mitre-tactic' };
    expect(v.validateObject(custom)).toEqual([
      { pointer: '/id', message: 'must start with "x-mitre-tactic--"' },
    ]);
  });

  it('refuses empty lists, as the schemas do (why relto omits them)', () => {
    const issues = v.validateObject({ ...campaign(), labels: [] });
    expect(issues[0].pointer).toBe('/labels');
  });

  it('refuses a bundle envelope that is not one', () => {
    expect(v.validateBundle({ type: 'bundle', id: 'bundle--x', objects: [] }).map((i) => i.pointer)).toEqual([
      '/id',
      '/objects',
    ]);
  });

  it('assertBundle throws INVALID_STIX with the pointer and every issue', () => {
    const bad = {
      type: 'bundle',
      id: 'bundle--e4f0febd-b8cf-4272-b892-71049d272c40',
      objects: [campaign(), {}],
    };
    try {
      v.assertBundle(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ReltoError);
      expect((e as ReltoError).code).toBe('INVALID_STIX');
      expect((e as ReltoError).path).toBe('/objects/1/type');
    }
  });

  it('gives the same verdicts with type-only anyOfs written as type lists as with the published schemas', () => {
    const published = createStixValidator(loadOasisSchemas(), { typeUnions: false });
    const verdict = (x: StixValidator, o: unknown) => x.validateObject(o).length === 0;
    const cases: unknown[] = [
      ...(JSON.parse(readFileSync(ICS, 'utf8')) as { objects: unknown[] }).objects,
      ...[null, [], [1], '', 'text', 0, 1.5, -3, true, false, {}, { a: 1 }].map((x) => ({
        ...campaign(),
        x_custom: x,
      })),
      { ...campaign(), x_custom_hex: 'zz' },
      { ...campaign(), x_custom_bin: 'aGVsbG8=' },
    ];
    for (const o of cases) expect(verdict(v, o), JSON.stringify(o).slice(0, 80)).toBe(verdict(published, o));
    // A custom property must not be null or an empty list (common/properties.json), either way.
    expect(v.validateObject({ ...campaign(), x_custom: null })[0]?.pointer).toBe('/x_custom');
    expect(v.validateObject({ ...campaign(), x_custom: [] })[0]?.pointer).toBe('/x_custom');
  });

  it('writes an anyOf of bare types as one type list, and leaves any other anyOf alone', () => {
    const bare = { anyOf: [{ type: 'array', minItems: 1 }, { type: 'string' }, { type: 'object' }] };
    expect(withTypeUnions({ properties: { p: bare } })).toEqual({
      properties: { p: { type: ['array', 'string', 'object'], minItems: 1 } },
    });
    const other = { anyOf: [{ type: 'string', pattern: '^a' }, { type: 'integer' }] };
    expect(withTypeUnions(other)).toEqual(other);
    const minOnString = { anyOf: [{ type: 'string', minItems: 1 }, { type: 'integer' }] };
    expect(withTypeUnions(minOnString)).toEqual(minOnString);
  });
});
