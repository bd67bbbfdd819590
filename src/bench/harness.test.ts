import { describe, expect, it } from 'vitest';
import {
  formatTable,
  median,
  percentile,
  registerBench,
  runBenches,
  selectBenches,
  timeRounds,
} from './harness.js';

describe('bench harness', () => {
  it('takes percentiles by nearest rank', () => {
    const values = [5, 1, 4, 2, 3];
    expect(median(values)).toBe(3);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('times the requested number of rounds after the warm-up', () => {
    let calls = 0;
    const rounds = timeRounds(() => void calls++, { warmup: 2, rounds: 3 });
    expect(calls).toBe(5);
    expect(rounds).toHaveLength(3);
    for (const r of rounds) expect(r.wall).toBeGreaterThanOrEqual(0);
  });

  it('selects benches by name or by group prefix and collects what they record', async () => {
    registerBench('test-group:a', (ctx) => ctx.record('relto', 'ops/s', 300));
    registerBench('test-group:b', (ctx) => ctx.record('peer', 'ops/s', 100));
    registerBench('test-other', (ctx) => ctx.record('x', 'ops/s', 1));
    expect(selectBenches(['test-group']).map(([n]) => n)).toEqual(['test-group:a', 'test-group:b']);
    expect(selectBenches(['test-group:b']).map(([n]) => n)).toEqual(['test-group:b']);
    const results = await runBenches(selectBenches(['test-other']));
    expect(results).toEqual([{ bench: 'test-other', subject: 'x', metric: 'ops/s', value: 1 }]);
  });

  it('prints each figure beside its peer with the ratio reference ÷ peer', () => {
    const table = formatTable([
      { bench: 'policy', subject: 'relto', metric: 'decisions/s', value: 3_000_000 },
      { bench: 'policy', subject: 'casbin', metric: 'decisions/s', value: 30_000 },
    ]);
    const lines = table.split('\n');
    expect(lines[2]).toContain('(reference)');
    expect(lines[3]).toMatch(/casbin\s+30,000\s+100×/);
  });
});
