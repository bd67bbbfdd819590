import { describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { Decider, nodePrincipal } from './decider.js';

const reg = compileRegistry(loadBuiltinRegistry());

const tokutei: Label = {
  originator: 'JPN',
  classification: 'GOKUHI',
  releasableTo: ['JPN', 'KOR'],
  restrictive: { Designation: ['TOKUTEI'] },
};

describe('a node as a principal (the receiving side checks the sender’s release, R14, R21, R24)', () => {
  it('holds the designations its own party defines, as the registry says, and is cleared at its party’s top level', () => {
    expect(nodePrincipal(reg, 'JPN', tokutei)).toMatchObject({
      id: 'node:JPN',
      party: 'JPN',
      clearance: 'KIMITSU',
      designations: ['TOKUTEI'],
      restrictive: {},
      roles: ['releasing-officer'],
      official: true,
    });
    // A designation of another party is not the sending node's to hold (R13).
    expect(nodePrincipal(reg, 'KOR', tokutei).designations).toEqual([]);
  });

  it('decides the sender’s release through the Decider: JPN may release its 特定秘密 to KOR under their agreement (R3)', () => {
    const at = '2026-03-01T00:00:00.000Z';
    expect(Decider.nodeRelease(reg, 'JPN', tokutei, at, { to: 'KOR' }).decision).toBe('permit');
  });
});
