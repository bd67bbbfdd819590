import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRegistry, dataDir, loadBuiltinRegistry } from '../registry/index.js';
import { decide, validateDecisionRequest } from './index.js';

// The shared vectors are the source of truth; the shipped copy stands in on a machine without them.
const shared = new URL('../../../shared/data/policy-vectors.public.jsonl', import.meta.url);
const file = existsSync(shared) ? shared : new URL(`file://${dataDir}policy-vectors.public.jsonl`);
const vectors = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));
const builtin = compileRegistry(loadBuiltinRegistry());

describe('public policy vectors (R9–R18, R21, R24, R33)', () => {
  it('has vectors to check', () => expect(vectors.length).toBeGreaterThanOrEqual(21));
  for (const v of vectors) {
    it(`${v.name}: ${v.expect.decision} ${v.expect.codes.join(',')}`, () => {
      const reg = v.registry === 'builtin' ? builtin : compileRegistry(v.registry);
      const answer = decide(reg, validateDecisionRequest(v.request));
      expect(answer.decision).toBe(v.expect.decision);
      expect(answer.reasons.map((r) => r.code)).toEqual(v.expect.codes);
      if (v.expect.mark) {
        expect(answer.obligations).toEqual([
          {
            type: 'mark',
            originator: v.request.item.label.originator,
            classification: { party: v.expect.mark[0], level: v.expect.mark[1] },
          },
        ]);
      }
    });
  }
});
