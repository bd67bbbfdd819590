import { describe } from 'vitest';
import { auditTests } from './audit.suite.js';
import { briefTests } from './briefs.suite.js';
import { custodyTests } from './custody.suite.js';
import { feedTests } from './feeds.suite.js';
import type { StoreHarness, WithStore } from './fixtures.js';
import { objectTests } from './objects.suite.js';
import { peopleTests } from './people.suite.js';
import { searchTests } from './search.suite.js';

export type { StoreHarness } from './fixtures.js';

/**
 * The storage behaviour both databases must show (issue 3, items 1, 3, 6, 7, 8, 9), one suite file per table
 * group; every test runs against each database this is called for.
 */
export function storeSuite(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${name} store`, () => {
    const withStore: WithStore = async (fn, options) => {
      const harness = await makeHarness();
      const store = await harness.open(options);
      try {
        await fn(store, harness);
      } finally {
        await store.close().catch(() => {});
        await harness.cleanup();
      }
    };
    peopleTests(withStore);
    objectTests(withStore);
    searchTests(withStore);
    custodyTests(withStore);
    auditTests(withStore);
    feedTests(withStore);
    briefTests(withStore);
  });
}
