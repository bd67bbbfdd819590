import { describe, expect, it } from 'vitest';
import { compileRegistry, decide } from '../policy/index.js';
import { loadBuiltinRegistry } from '../registry/index.js';
import { casbinArgs, createCasbinEnforcer } from './casbin-peer.js';
import { cedarAuthorize, cedarCall, prepareCedar } from './cedar-peer.js';
import { buildCoreTable, comparability, coreFacts, createHandCheck, reltoCoreVerdict } from './core-check.js';
import { generatePolicyMix } from './policy-mix.js';

const registry = loadBuiltinRegistry();
const compiled = compileRegistry(registry);
const table = buildCoreTable(registry);
const requests = generatePolicyMix(registry, { seed: 99, count: 4000 });
const answers = requests.map((r) => decide(compiled, r));
const comparable = requests.map((_, i) => i).filter((i) => comparability(requests[i]!, answers[i]!) === null);

describe('the core check the policy bench compares (R10 clearance and need-to-know, R11, R2 coverage)', () => {
  it('leaves most of the mix comparable, with permits and core denies both present', () => {
    expect(comparable.length).toBeGreaterThan(requests.length * 0.7);
    const verdicts = comparable.map((i) => reltoCoreVerdict(answers[i]!));
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(comparable.length * 0.2);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(comparable.length * 0.2);
  });

  it('R2/R3: the equivalence table leaves KOR I and KIMITSU uncovered under the Korea–Japan GSOMIA, TOKUTEI only there', () => {
    expect(table.required.get('KOR-JPN-GSOMIA|KOR|II|')?.get('JPN')).toBe(2); // GOKUHI
    expect(table.required.get('KOR-JPN-GSOMIA|KOR|I|')?.has('JPN')).toBe(false);
    expect(table.required.get('KOR-JPN-GSOMIA|JPN|KIMITSU|')?.has('KOR')).toBe(false);
    expect(table.required.get('KOR-JPN-GSOMIA|JPN|GOKUHI|TOKUTEI')?.get('KOR')).toBe(3); // II
    expect(table.required.get('USA-JPN-GSOMIA|JPN|GOKUHI|TOKUTEI')?.has('USA')).toBe(false);
    // R24: a KOR item relayed to JPN under TISA is held under the USA–JPN leg.
    expect(table.required.get('TISA|KOR|II|')?.get('JPN')).toBe(2);
    expect(table.required.get('TISA|KOR|I|')?.has('JPN')).toBe(false);
    // R33: unclassified needs no agreement or clearance.
    expect(table.required.get('|KOR|U|')?.get('USA')).toBe(0);
  });

  it('the hand-written check agrees with relto on every comparable request', () => {
    const hand = createHandCheck(table);
    const disagree = comparable.filter((i) => hand(requests[i]!) !== reltoCoreVerdict(answers[i]!));
    expect(disagree).toEqual([]);
  });

  it('Cedar (stateful, preparsed) agrees with relto on every comparable request', () => {
    prepareCedar();
    const disagree = comparable.filter(
      (i) =>
        cedarAuthorize(cedarCall(table, coreFacts(table, requests[i]!), requests[i]!.action)) !==
        reltoCoreVerdict(answers[i]!),
    );
    expect(disagree).toEqual([]);
  });

  it('casbin (enforceSync) agrees with relto on every comparable request', async () => {
    const enforcer = await createCasbinEnforcer(table);
    const disagree = comparable.filter(
      (i) =>
        enforcer.enforceSync(...casbinArgs(coreFacts(table, requests[i]!))) !== reltoCoreVerdict(answers[i]!),
    );
    expect(disagree).toEqual([]);
  });
});
