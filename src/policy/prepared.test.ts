import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePolicyMix } from '../bench/policy-mix.js';
import type { Label } from '../label/schema.js';
import { compileRegistry, dataDir, loadBuiltinRegistry } from '../registry/index.js';
import {
  type DecisionInput,
  type DecisionRequest,
  decide,
  labelOf,
  type Principal,
  prepareLabel,
  preparePrincipal,
  principalOf,
  validateDecisionRequest,
} from './index.js';

const registryJson = loadBuiltinRegistry();
const builtin = compileRegistry(registryJson);

/** The same request with its label and principal prepared, as a node holds them. */
function prepared(reg: ReturnType<typeof compileRegistry>, r: DecisionRequest): DecisionInput {
  return {
    ...r,
    principal: preparePrincipal(reg, r.principal),
    item: { ...r.item, label: prepareLabel(reg, r.item.label) },
  };
}

describe('prepared labels and principals decide exactly as the raw request does', () => {
  it('agrees on every request of a 20,000-request mix (decision, reasons, obligations)', () => {
    const mix = generatePolicyMix(registryJson, {
      seed: 11,
      count: 20_000,
      pools: { principals: 60, labels: 90 },
    });
    // Pooled objects are prepared once and reused, so the views' memos are exercised across requests.
    const labels = new Map<Label, ReturnType<typeof prepareLabel>>();
    const people = new Map<Principal, ReturnType<typeof preparePrincipal>>();
    let differing = 0;
    let permits = 0;
    for (const r of mix) {
      let label = labels.get(r.item.label);
      if (!label) {
        label = prepareLabel(builtin, r.item.label);
        labels.set(r.item.label, label);
      }
      let principal = people.get(r.principal);
      if (!principal) {
        principal = preparePrincipal(builtin, r.principal);
        people.set(r.principal, principal);
      }
      const raw = decide(builtin, r);
      const fast = decide(builtin, { ...r, principal, item: { ...r.item, label } });
      if (JSON.stringify(raw) !== JSON.stringify(fast)) differing++;
      if (raw.decision === 'permit') permits++;
    }
    expect(differing).toBe(0);
    // The mix must exercise both outcomes for the comparison to mean anything.
    expect(permits).toBeGreaterThan(2_000);
    expect(permits).toBeLessThan(18_000);
  });

  it('agrees on every public policy vector (R9–R18, R21, R24, R33)', () => {
    const shared = new URL('../../../shared/data/policy-vectors.public.jsonl', import.meta.url);
    const file = existsSync(shared) ? shared : new URL(`file://${dataDir}policy-vectors.public.jsonl`);
    const vectors = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
    expect(vectors.length).toBeGreaterThanOrEqual(21);
    for (const v of vectors) {
      const reg = v.registry === 'builtin' ? builtin : compileRegistry(v.registry);
      const request = validateDecisionRequest(v.request);
      const answer = decide(reg, prepared(reg, request));
      expect({ name: v.name, codes: answer.reasons.map((r) => r.code) }).toEqual({
        name: v.name,
        codes: v.expect.codes,
      });
      expect(answer).toEqual(decide(reg, request));
    }
  });

  it('is a snapshot: altering the label or principal afterwards changes nothing, and the copy is frozen', () => {
    const label: Label = { originator: 'USA', classification: 'S', releasableTo: ['USA', 'KOR'] };
    const principal: Principal = {
      id: 'kor-analyst',
      party: 'KOR',
      clearance: 'II',
      roles: ['analyst'],
      official: true,
    };
    const p = prepareLabel(builtin, label);
    const who = preparePrincipal(builtin, principal);
    const request = {
      at: '2024-03-01T00:00:00Z',
      action: 'read' as const,
      principal: who,
      item: { label: p, receivedUnder: 'USA-KOR-GSOMIA' },
    };
    const before = decide(builtin, request);
    expect(before.decision).toBe('permit');
    // R11: taking Korea off the original's Releasable To would deny, but the prepared copy does not change.
    label.releasableTo = ['USA'];
    principal.clearance = 'III';
    expect(decide(builtin, request)).toEqual(before);
    expect(Object.isFrozen(labelOf(p))).toBe(true);
    expect(Object.isFrozen(labelOf(p).releasableTo)).toBe(true);
    expect(labelOf(p).releasableTo).toEqual(['USA', 'KOR']);
    expect(principalOf(who).clearance).toBe('II');
    // Preparing never alters the argument.
    expect(Object.isFrozen(label)).toBe(false);
  });

  it('re-derives a prepared label under another registry instead of trusting the first one', () => {
    const label: Label = { originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'] };
    const p = prepareLabel(builtin, label);
    // The same registry with the KOR–JPN agreement's scope narrowed to missile topics: a label without
    // topics falls outside it there (R14), and inside the built-in one.
    const changed = structuredClone(registryJson);
    changed.agreements.find((a) => a.id === 'KOR-JPN-GSOMIA')!.scopeTopics = ['DPRK-MISSILE'];
    const other = compileRegistry(changed);
    const principal: Principal = {
      id: 'j',
      party: 'JPN',
      clearance: 'GOKUHI',
      roles: ['analyst'],
      official: true,
    };
    const request = () => ({
      at: '2024-03-01T00:00:00Z',
      action: 'read' as const,
      principal: preparePrincipal(builtin, principal),
      item: { label: p },
    });
    expect(decide(builtin, request()).decision).toBe('permit');
    const underOther = decide(other, request());
    expect(underOther).toEqual(decide(other, { ...request(), item: { label } }));
    expect(underOther.reasons.map((r) => r.code)).toEqual(['OUT_OF_SCOPE']);
  });

  it('R10 need-to-know agrees beyond the first 31 restrictive values (ids past the bit mask)', () => {
    // 80 distinct compartments: whatever ids earlier tests took, many of these lie past the 31 bits.
    const all = Array.from({ length: 80 }, (_, i) => `COMP-${i}`);
    const principal = (held: string[]): Principal => ({
      id: 'k',
      party: 'KOR',
      clearance: 'I',
      roles: ['analyst'],
      official: true,
      restrictive: { Compartment: held },
    });
    const label = (needed: string[]): Label => ({
      originator: 'KOR',
      classification: 'II',
      restrictive: { Compartment: needed },
    });
    const cases: [string[], string[]][] = [
      [all, all],
      [all.slice(0, 79), all],
      [all, all.slice(40)],
      [all.slice(60), all.slice(50)],
      [all.slice(50), all.slice(60)],
      [[all[75]!], [all[75]!]],
      [[all[74]!], [all[75]!]],
    ];
    for (const [held, needed] of cases) {
      const raw = {
        at: '2024-03-01T00:00:00Z',
        action: 'read' as const,
        principal: principal(held),
        item: { label: label(needed) },
      };
      const expected = needed.every((n) => held.includes(n)) ? 'permit' : 'deny';
      expect(decide(builtin, raw).decision).toBe(expected);
      expect(decide(builtin, prepared(builtin, raw))).toEqual(decide(builtin, raw));
    }
  });
});
