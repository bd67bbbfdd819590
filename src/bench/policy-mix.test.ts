import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DecisionRequest } from '../policy/schema.js';
import type { Registry } from '../registry/schema.js';
import { ACTION_WEIGHTS, createRng, generatePolicyMix } from './policy-mix.js';

const registry = JSON.parse(
  readFileSync(new URL('../../data/registry.builtin.json', import.meta.url), 'utf8'),
) as Registry;
const COUNT = 10_000;
const POOLS = { principals: 100, labels: 150 };
const mix = generatePolicyMix(registry, { seed: 7, count: COUNT, pools: POOLS });
const distinct = generatePolicyMix(registry, { seed: 7, count: COUNT });

describe('policy mix generator', () => {
  it('is deterministic: the same seed gives the same requests, another seed different ones', () => {
    expect(generatePolicyMix(registry, { seed: 7, count: COUNT, pools: POOLS })).toEqual(mix);
    expect(generatePolicyMix(registry, { seed: 7, count: COUNT })).toEqual(distinct);
    const other = generatePolicyMix(registry, { seed: 8, count: 200, pools: POOLS });
    expect(other).not.toEqual(mix.slice(0, 200));
  });

  it('shares principals and labels across requests only when pooled, and never alters a shared one', () => {
    const labels = new Set(mix.map((r) => r.item.label));
    const principals = new Set(mix.map((r) => r.principal));
    expect(labels.size).toBeLessThan(COUNT / 2);
    expect(principals.size).toBeLessThan(COUNT / 5);
    expect(new Set(distinct.map((r) => r.item.label)).size).toBe(COUNT);
    // The unknown codes are injected on copies: no pooled label carries one.
    const unknownLabels = mix
      .filter((r) => r.item.label.classification === 'SECRET')
      .map((r) => r.item.label);
    expect(unknownLabels.length).toBeGreaterThan(0);
    for (const l of unknownLabels) expect(mix.filter((r) => r.item.label === l)).toHaveLength(1);
  });

  it('draws uniformly in [0, 1) from its seeded generator', () => {
    const rng = createRng(42);
    const draws = Array.from({ length: 10_000 }, rng);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('produces only requests valid against the DecisionRequest schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(DecisionRequest);
    for (const requests of [mix, distinct]) {
      const invalid = requests.filter((r) => !validate(r));
      expect(invalid.slice(0, 1)).toEqual([]);
    }
    // §3: a consent states exactly one of to, actions, purpose.
    for (const r of mix) {
      for (const c of r.item.label.consents ?? []) {
        expect([c.to, c.actions, c.purpose].filter((x) => x !== undefined)).toHaveLength(1);
      }
    }
  });

  it('covers every action, reads dominating', () => {
    const counts = new Map<string, number>();
    for (const r of mix) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(ACTION_WEIGHTS.map(([a]) => a).sort());
    const reads = counts.get('read')!;
    for (const [action, n] of counts) if (action !== 'read') expect(reads).toBeGreaterThan(3 * n);
  });

  it('receives foreign items under every agreement, the relay included, and releases under each kind', () => {
    const receivedUnder = new Set(mix.map((r) => r.item.receivedUnder).filter((x) => x !== undefined));
    expect([...receivedUnder].sort()).toEqual(registry.agreements.map((a) => a.id).sort());
    const releaseUnder = new Set(mix.map((r) => r.release?.under).filter((x) => x !== undefined));
    expect([...releaseUnder].sort()).toEqual(registry.agreements.map((a) => a.id).sort());
    // Foreign items held with no receivedUnder (the bilateral one applies) occur too.
    expect(
      mix.some((r) => r.item.receivedUnder === undefined && r.item.label.originator !== r.principal.party),
    ).toBe(true);
  });

  it('spans every party, level and clearance, designations, caveats, compartments, consents and contractors', () => {
    for (const party of registry.parties) {
      const items = mix.filter((r) => r.item.label.originator === party.code);
      const readers = mix.filter((r) => r.principal.party === party.code);
      for (const level of party.levels) {
        expect(items.some((r) => r.item.label.classification === level.id)).toBe(true);
        expect(readers.some((r) => r.principal.clearance === level.id)).toBe(true);
      }
    }
    expect(mix.some((r) => r.item.label.restrictive?.Designation?.includes('TOKUTEI'))).toBe(true);
    expect(mix.some((r) => r.principal.designations?.includes('TOKUTEI'))).toBe(true);
    expect(mix.some((r) => r.item.label.caveats?.includes('ORCON'))).toBe(true);
    expect(mix.some((r) => r.item.label.caveats?.includes('NOFORN'))).toBe(true);
    expect(mix.some((r) => (r.item.label.restrictive?.Compartment?.length ?? 0) > 0)).toBe(true);
    const consents = mix.flatMap((r) => r.item.label.consents ?? []);
    expect(consents.some((c) => c.to !== undefined)).toBe(true);
    expect(consents.some((c) => c.actions !== undefined)).toBe(true);
    expect(consents.some((c) => c.purpose !== undefined)).toBe(true);
    expect(consents.some((c) => c.revoked === true)).toBe(true);
    expect(consents.some((c) => c.expires !== undefined)).toBe(true);
    expect(mix.some((r) => r.principal.contractor === true)).toBe(true);
    expect(mix.some((r) => r.principal.official === false)).toBe(true);
    const roles = new Set(mix.flatMap((r) => r.principal.roles));
    expect([...roles].sort()).toEqual(
      ['admin', 'analyst', 'releasing-officer', 'security-officer', 'watch-officer'].sort(),
    );
  });

  it('keeps every request well formed: holder is the reader, agreements name the holder, no release to oneself', () => {
    const parties = (id: string) => registry.agreements.find((a) => a.id === id)?.parties ?? [];
    for (const r of mix) {
      const reader = r.principal.party;
      expect(r.item.holder ?? reader).toBe(reader);
      if (r.item.receivedUnder) expect(parties(r.item.receivedUnder)).toContain(reader);
      if (r.action === 'release') {
        expect(r.release).toBeDefined();
        expect(r.release!.to).not.toBe(reader);
        if (r.release!.under)
          expect(parties(r.release!.under)).toEqual(expect.arrayContaining([reader, r.release!.to]));
      } else expect(r.release).toBeUndefined();
    }
  });

  it('dates requests across 2015–2026, never before the agreement an item was received under', () => {
    const years = new Set(mix.map((r) => Number(r.at.slice(0, 4))));
    for (let y = 2015; y <= 2026; y++) expect(years).toContain(y);
    const entry = new Map(
      registry.agreements.map((a) => [a.id, a.events.find((e) => e.type === 'entry-into-force')!.date]),
    );
    for (const r of mix) {
      if (r.item.receivedUnder) expect(r.at.slice(0, 10) > entry.get(r.item.receivedUnder)!).toBe(true);
    }
  });
});
