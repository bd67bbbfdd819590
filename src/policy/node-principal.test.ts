import { describe, expect, it } from 'vitest';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { decide } from './decide.js';
import { nodePrincipal } from './node-principal.js';

const reg = compileRegistry(loadBuiltinRegistry());

describe('a node acting in its own name', () => {
  it('is an official of its party cleared at the top level of its scheme, as the registry says', () => {
    const tops: Record<string, string> = {};
    for (const party of ['KOR', 'JPN', 'USA']) {
      const p = nodePrincipal(reg, party, ['releasing-officer']);
      expect(p).toMatchObject({ id: `node:${party}`, party, official: true, roles: ['releasing-officer'] });
      // No level of the scheme ranks above the node's clearance.
      const levels = [...reg.parties.get(party)!.levels.values()];
      const rank = levels.find((l) => l.id === p.clearance)!.rank;
      expect(levels.every((l) => l.rank <= rank)).toBe(true);
      tops[party] = p.clearance;
    }
    expect(tops).toEqual({ KOR: 'I', JPN: 'KIMITSU', USA: 'TS' });
  });

  it('of a party the registry does not know is denied every decision (R1)', () => {
    const p = nodePrincipal(reg, 'GBR', ['releasing-officer']);
    const answer = decide(reg, {
      at: '2024-01-01T00:00:00Z',
      principal: p,
      action: 'read',
      item: { label: { originator: 'KOR', classification: 'III', releasableTo: ['KOR', 'GBR'] } },
    });
    expect(answer.decision).toBe('deny');
  });
});
