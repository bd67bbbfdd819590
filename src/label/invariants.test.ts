import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecisionRequest, decide } from '../policy/index.js';
import { compileRegistry, loadBuiltinRegistry, type Registry } from '../registry/index.js';
import { arbRequest, levelIds, rankOf } from './test-support/arbitraries.js';

/*
 * The rules engine's invariants (issue 2, item 6), checked with random well-formed requests over the
 * built-in registry: all actions, own and foreign items, every agreement, dates from 2014 to 2026.
 */

const source = loadBuiltinRegistry();
const reg = compileRegistry(source);
const RUNS = 3000;

const clone = <T>(x: T): T => structuredClone(x);

/** Counts how often each side of a property was met, so a vacuous pass fails loudly. */
function counter() {
  const seen = new Map<string, number>();
  return {
    hit: (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1),
    get: (k: string) => seen.get(k) ?? 0,
  };
}

describe('decision invariants (fast-check)', () => {
  it('R11: removing a party from Releasable To never turns a deny into a permit', () => {
    const stats = counter();
    const arb = arbRequest(source).chain((req) => fc.record({ req: fc.constant(req), drop: fc.nat() }));
    fc.assert(
      fc.property(arb, ({ req, drop }) => {
        const rt = req.item.label.releasableTo ?? [];
        fc.pre(rt.length > 0);
        const narrower = clone(req);
        narrower.item.label.releasableTo = rt.filter((_, i) => i !== drop % rt.length);
        const before = decide(reg, req).decision;
        const after = decide(reg, narrower).decision;
        stats.hit(`${before}>${after}`);
        if (before === 'deny') expect(after).toBe('deny');
      }),
      { numRuns: RUNS },
    );
    // The property was tested on permits that the removal turned into denies, and on denies.
    expect(stats.get('permit>deny')).toBeGreaterThan(0);
    expect(stats.get('deny>deny')).toBeGreaterThan(0);
    expect(stats.get('permit>permit')).toBeGreaterThan(0);
  });

  it('R10: raising a clearance never turns a permit into a deny', () => {
    const stats = counter();
    const arb = arbRequest(source).chain((req) => {
      const party = req.principal.party;
      const rank = rankOf(source, party, req.principal.clearance);
      const higher = levelIds(source, party).filter((l) => rankOf(source, party, l) >= rank);
      return fc.record({ req: fc.constant(req), higher: fc.constantFrom(...higher) });
    });
    fc.assert(
      fc.property(arb, ({ req, higher }) => {
        const raised = clone(req);
        raised.principal.clearance = higher;
        const before = decide(reg, req).decision;
        const after = decide(reg, raised).decision;
        stats.hit(`${before}>${after}`);
        if (before === 'permit') expect(after).toBe('permit');
      }),
      { numRuns: RUNS },
    );
    expect(stats.get('permit>permit')).toBeGreaterThan(0);
    expect(stats.get('deny>permit')).toBeGreaterThan(0);
  });

  it('R21: a terminated agreement never permits a release under it (each agreement in turn)', () => {
    const TERMINATED = '2024-01-01';
    const stats = counter();
    for (const agreement of source.agreements) {
      const variant: Registry = clone(source);
      variant.agreements
        .find((a) => a.id === agreement.id)!
        .events.push({ type: 'terminated', date: TERMINATED });
      const terminated = compileRegistry(variant);
      // Releases whose leg is this agreement: from the hub under a relay; either way on a bilateral one,
      // named in `release.under` or picked as the pair's bilateral agreement.
      const legs: [string, string][] =
        agreement.kind === 'relay'
          ? agreement.parties.filter((p) => p !== agreement.hub).map((p) => [agreement.hub!, p])
          : [
              [agreement.parties[0], agreement.parties[1]],
              [agreement.parties[1], agreement.parties[0]],
            ];
      const arb = fc
        .record({
          req: arbRequest(source, {
            action: 'release',
            // After the date in every time zone of the registry.
            from: '2024-01-02T00:00:00Z',
            to: '2030-12-31T00:00:00Z',
            // R33: unclassified items need no agreement at all; the invariant is about classified ones.
            label: { classified: true },
          }),
          leg: fc.constantFrom(...legs),
          named: agreement.kind === 'relay' ? fc.constant(true) : fc.boolean(),
        })
        .map(({ req, leg: [holder, to], named }): DecisionRequest => {
          const r = clone(req);
          r.principal.party = holder;
          // A cleared releasing officer, so that the agreement's state is what decides.
          r.principal.clearance = levelIds(source, holder).at(-1)!;
          r.principal.roles = ['releasing-officer'];
          r.principal.official = true;
          delete r.principal.contractor;
          r.item.holder = holder;
          delete r.item.receivedUnder;
          r.release = named ? { to, under: agreement.id } : { to };
          return r;
        });
      fc.assert(
        fc.property(arb, (req) => {
          const answer = decide(terminated, req);
          expect(answer.decision).toBe('deny');
          expect(answer.reasons.map((x) => x.code)).toContain('AGREEMENT_NOT_IN_FORCE');
          // How the same release fares under the registry where the agreement is still in force.
          stats.hit(decide(reg, req).decision);
        }),
        { numRuns: 1000 },
      );
    }
    // Some of these releases were permitted while the agreements were in force.
    expect(stats.get('permit')).toBeGreaterThan(0);
  });

  it('R12, R16, R15: adding a caveat or removing a consent never turns a deny into a permit', () => {
    fc.assert(
      fc.property(
        arbRequest(source),
        fc.constantFrom('ORCON' as const, 'NOFORN' as const),
        fc.nat(),
        (req, caveat, drop) => {
          const before = decide(reg, req).decision;
          const caveated = clone(req);
          caveated.item.label.caveats = [...new Set([...(req.item.label.caveats ?? []), caveat])];
          if (before === 'deny') expect(decide(reg, caveated).decision).toBe('deny');
          const consents = req.item.label.consents ?? [];
          if (consents.length > 0) {
            const fewer = clone(req);
            fewer.item.label.consents = consents.filter((_, i) => i !== drop % consents.length);
            if (before === 'deny') expect(decide(reg, fewer).decision).toBe('deny');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
