import { beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { type CompiledRegistry, compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import {
  alternativeMarking,
  LABEL_EXTENSION_ID,
  labelMarkingId,
  labelToMarking,
  markingToAlternative,
  partyIdentityId,
} from '../stix/index.js';
import { alternativesFor, receiverAlternative } from './alternative.js';

let reg: CompiledRegistry;
beforeAll(() => {
  reg = compileRegistry(loadBuiltinRegistry());
});

const korSecret: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['JPN', 'KOR', 'USA'],
  topics: ['DPRK-MISSILE'],
};

describe('receiver-equivalent label (R6, contracts §6)', () => {
  it('JPN marks a KOR 군사II급비밀 item as 極秘 under the Korea–Japan GSOMIA, naming the original marking', () => {
    const r = receiverAlternative(reg, korSecret, 'JPN', 'KOR-JPN-GSOMIA');
    if (!r.ok || !r.marking) throw new Error('expected a marking');
    const ext = r.marking.extensions[LABEL_EXTENSION_ID];
    expect(ext).toEqual({
      extension_type: 'property-extension',
      alternative_of: labelMarkingId(korSecret),
      party: 'JPN',
      classification: 'GOKUHI',
      agreement: 'KOR-JPN-GSOMIA',
    });
    // created by the receiver's identity, never the originator's (the original is not edited)
    expect(r.marking.created_by_ref).toBe(partyIdentityId('JPN'));
    expect(r.marking.id).not.toBe(labelMarkingId(korSecret));
    expect(markingToAlternative(r.marking)).toEqual({
      alternativeOf: labelMarkingId(korSecret),
      party: 'JPN',
      classification: 'GOKUHI',
      agreement: 'KOR-JPN-GSOMIA',
    });
  });

  it('without an agreement named, uses the bilateral one', () => {
    const r = receiverAlternative(reg, korSecret, 'JPN');
    expect(r.ok && r.equivalent.agreement).toBe('KOR-JPN-GSOMIA');
  });

  it('a level the table does not cover gets no alternative: LEVEL_NOT_COVERED (R2)', () => {
    const r = receiverAlternative(reg, { ...korSecret, classification: 'I' }, 'JPN', 'KOR-JPN-GSOMIA');
    expect(r).toMatchObject({ ok: false, reason: 'LEVEL_NOT_COVERED' });
  });

  it('a relayed item is marked from the hub–receiver leg, under the relay (R24)', () => {
    const r = receiverAlternative(reg, korSecret, 'JPN', 'TISA');
    if (!r.ok || !r.marking) throw new Error('expected a marking');
    expect(r.equivalent).toMatchObject({ level: 'GOKUHI', agreement: 'TISA', leg: 'USA-JPN-GSOMIA' });
    expect(r.marking.extensions[LABEL_EXTENSION_ID]).toMatchObject({ agreement: 'TISA', party: 'JPN' });
  });

  it("the receiver's own item needs no alternative", () => {
    const r = receiverAlternative(reg, korSecret, 'KOR');
    expect(r).toMatchObject({ ok: true, marking: null });
  });

  it('builds one alternative per originator label among received objects, skipping others', () => {
    const marking = labelToMarking(korSecret);
    const foreignAlternative = alternativeMarking({
      alternativeOf: marking.id,
      party: 'USA',
      classification: 'S',
      agreement: 'USA-KOR-GSOMIA',
    });
    const broken = { ...marking, id: 'marking-definition--00000000-0000-5000-8000-000000000000' };
    const objects = [{ type: 'report', id: 'report--x' }, marking, foreignAlternative, broken];
    const out = alternativesFor(reg, 'JPN', 'KOR-JPN-GSOMIA', objects);
    expect(out.map((o) => o.markingId)).toEqual([marking.id, broken.id]);
    expect(out[0].result).toMatchObject({ ok: true, equivalent: { level: 'GOKUHI' } });
    expect(out[1].result).toMatchObject({ ok: false, reason: 'INVALID_LABEL' });
  });
});
