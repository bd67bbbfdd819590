import { describe, expect, it } from 'vitest';
import { importCycles, productionGraph, runtimeImports } from './test-support/import-graph.js';

describe('import cycles', () => {
  it('no production file reaches itself through its runtime imports', () => {
    expect(importCycles(productionGraph())).toEqual([]);
  });

  it('counts value imports and re-exports, and only those', () => {
    const text = [
      "import type { A } from './a.js';",
      "export type { B } from './b.js';",
      "import { type C, d } from './c.js';",
      "import { type E } from './e.js';",
      "export * from './f.js';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(runtimeImports('x/y.ts', text).map((i) => i.to)).toEqual(['x/c.ts', 'x/e.ts', 'x/f.ts']);
  });

  it('names each cycle as the path of files that closes it', () => {
    const graph = new Map([
      ['a.ts', [{ to: 'b.ts', line: 1, typeOnly: false }]],
      ['b.ts', [{ to: 'c.ts', line: 1, typeOnly: false }]],
      ['c.ts', [{ to: 'a.ts', line: 1, typeOnly: false }]],
      ['d.ts', [{ to: 'a.ts', line: 1, typeOnly: false }]],
    ]);
    expect(importCycles(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts']);
  });
});
