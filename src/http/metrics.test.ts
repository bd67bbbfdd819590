import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, secretReport } from './test-support/fixtures.js';
import { type Harness, harness } from './test-support/harness.js';
import { nodeFactories } from './test-support/nodes.js';

/** The value of one series in Prometheus text, 0 when absent. */
function series(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

for (const [kind, makeNode] of Object.entries(nodeFactories).filter(([k]) => k.startsWith('real'))) {
  describe(`/metrics over the ${kind} node`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await harness(await makeNode());
    });
    afterAll(async () => {
      await h?.close();
      await h?.node.close();
    });

    it('counts a TAXII post the rules refuse once, and answers it with the status of what was refused', async () => {
      const before = series(
        (await h.app.inject({ url: '/metrics' })).body,
        'relto_decisions_total',
        'outcome="deny"',
      );
      // analyst-low may not create what they may not read: a SECRET report.
      const report = secretReport(1);
      const res = await h.postTaxii('analyst-low', bundle([report]).objects);
      expect(res.statusCode, res.body).toBe(403);
      const status = res.json().details.details.status;
      expect(status.failure_count).toBeGreaterThan(0);
      expect(status.failures.map((f: { id: string }) => f.id)).toContain(report.id);
      expect(status.success_count).toBe(0);
      const after = series(
        (await h.app.inject({ url: '/metrics' })).body,
        'relto_decisions_total',
        'outcome="deny"',
      );
      expect(after - before).toBe(1);
      expect(
        series((await h.app.inject({ url: '/metrics' })).body, 'relto_objects_posted_total', 'via="taxii"'),
      ).toBe(0);
    });
  });
}
