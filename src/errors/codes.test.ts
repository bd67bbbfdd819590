import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes, reasonCodes } from './codes.js';

// The contracts as the project's shared material holds them beside the repository (as policy vectors are).
const contracts = readFileSync(new URL('../../../shared/spec/contracts.md', import.meta.url), 'utf8');

/** The text of one numbered section (`## 4. …`) up to the next. */
function section(n: number): string {
  const start = contracts.search(new RegExp(`^## ${n}\\. `, 'm'));
  expect(start, `section ${n}`).toBeGreaterThanOrEqual(0);
  const next = contracts.slice(start + 1).search(/^## \d+\. /m);
  return next < 0 ? contracts.slice(start) : contracts.slice(start, start + 1 + next);
}

/** The reason codes of the table in section 4, each with its rule (`R1`). */
function contractReasons(): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const row of section(4).split('\n')) {
    const cells = /^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \| ([^|]+) \|/.exec(row);
    if (!cells) continue;
    const codes = [...cells[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
    const rules = cells[2]!.split(',').map((r) => r.trim());
    codes.forEach((code, i) => {
      reasons.set(code, rules.length === codes.length ? rules[i]! : rules[0]!);
    });
  }
  return reasons;
}

/** The operational codes the contracts name with the exit code or HTTP status they give. */
function contractErrors(): { code: string; exit?: number; status?: number }[] {
  const found: { code: string; exit?: number; status?: number }[] = [];
  for (const m of contracts.matchAll(/exits ([12]) with `([A-Z][A-Z0-9_]+)`/g)) {
    found.push({ code: m[2]!, exit: Number(m[1]) });
  }
  for (const m of contracts.matchAll(/refused ([45]\d\d) `([A-Z][A-Z0-9_]+)`/g)) {
    found.push({ code: m[2]!, status: Number(m[1]) });
  }
  return found;
}

describe('the error and reason codes against the contracts', () => {
  it('has every reason code of the decision answer, with its rule, and no other', () => {
    const contract = contractReasons();
    expect(contract.size).toBeGreaterThan(15);
    const ours = new Map(Object.entries(reasonCodes).map(([code, r]) => [code, r.rule as string]));
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(contract));
  });

  it('has every operational code the contracts name, with the exit code or status they give it', () => {
    const named = contractErrors();
    expect(named.length).toBeGreaterThan(0);
    for (const { code, exit, status } of named) {
      const ours = (errorCodes as Record<string, { status: number; exit: number }>)[code];
      expect(ours, `${code} is not in codes.ts`).toBeDefined();
      if (exit !== undefined) expect(ours!.exit, code).toBe(exit);
      if (status !== undefined) expect(ours!.status, code).toBe(status);
    }
  });

  it("keeps reasons and the API's own errors apart, but for an unknown party or agreement named in a command", () => {
    // A reason in a decision's answer; an error (404) when a command or route names one.
    const both = Object.keys(errorCodes).filter((code) => code in reasonCodes);
    expect(both.sort()).toEqual(['UNKNOWN_AGREEMENT', 'UNKNOWN_PARTY']);
  });
});
