import { describe, expect, it } from 'vitest';
import { ReltoError } from '../errors/index.js';
import { decide } from '../policy/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { type Label, reclassify } from './index.js';

const reg = compileRegistry(loadBuiltinRegistry());
const held: Label = {
  originator: 'KOR',
  classification: 'III',
  releasableTo: ['KOR', 'JPN'],
  consents: [{ to: 'USA', by: 'KOR', at: '2024-01-01T00:00:00Z' }],
};

function pathOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ReltoError);
    expect((e as ReltoError).code).toBe('INVALID_LABEL');
    return (e as ReltoError).path;
  }
  return undefined;
}

describe('reclassify (R8)', () => {
  it('R8: the originator’s notice changes the marks of a held copy, and decisions follow the new label', () => {
    const raised = reclassify(reg, held, {
      by: 'KOR',
      label: { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'] },
    });
    expect(raised.classification).toBe('II');
    // Consents are records for the item, not marks: they survive a notice that does not restate them.
    expect(raised.consents).toEqual(held.consents);
    const read = (label: Label) =>
      decide(reg, {
        at: '2024-06-01T00:00:00Z',
        principal: { id: 'j', party: 'JPN', clearance: 'HI', roles: ['analyst'], official: true },
        action: 'read',
        item: { label, holder: 'JPN', receivedUnder: 'KOR-JPN-GSOMIA' },
      });
    expect(read(held).decision).toBe('permit');
    expect(read(raised).reasons.map((r) => r.code)).toEqual(['CLEARANCE_TOO_LOW']);
  });

  it('R8: only the originator may reclassify, never to another originator, never to an invalid label', () => {
    expect(pathOf(() => reclassify(reg, held, { by: 'JPN', label: { ...held, classification: 'U' } }))).toBe(
      '/by',
    );
    expect(
      pathOf(() => reclassify(reg, held, { by: 'KOR', label: { originator: 'USA', classification: 'S' } })),
    ).toBe('/label/originator');
    expect(
      pathOf(() =>
        reclassify(reg, held, { by: 'KOR', label: { originator: 'KOR', classification: 'GOKUHI' } }),
      ),
    ).toBe('/label/classification');
  });
});
