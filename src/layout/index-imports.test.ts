import { describe, expect, it } from 'vitest';
import { importsPastIndex, productionImports } from './test-support/import-graph.js';

describe('imports between folders', () => {
  it('a folder reaches another only through its index.ts (or its schema.ts for TypeBox schema values)', () => {
    expect(importsPastIndex(productionImports())).toEqual([]);
  });

  it("names each import that reaches past a folder's index.ts, type-only ones too", () => {
    const graph = new Map([
      [
        'cli/a.ts',
        [
          { to: 'cli/b.ts', line: 1, typeOnly: false },
          { to: 'label/index.ts', line: 2, typeOnly: false },
          { to: 'label/schema.ts', line: 3, typeOnly: false },
          { to: 'node/exchange/index.ts', line: 4, typeOnly: false },
          { to: 'label/make.ts', line: 5, typeOnly: false },
          { to: 'node/service.ts', line: 6, typeOnly: true },
        ],
      ],
    ]);
    expect(importsPastIndex(graph)).toEqual(['cli/a.ts:5 → label/make.ts', 'cli/a.ts:6 → node/service.ts']);
  });
});
