import { describe, expect, it } from 'vitest';
import { stamp, type WithStore } from './fixtures.js';

/** The audit log (R29): dense indexes, concurrent groups, signed tree heads. */
export function auditTests(withStore: WithStore): void {
  describe('audit log (R29)', () => {
    const leaf = (i: number) => new Uint8Array(32).fill(i % 256);

    it('appends groups with dense indexes and reads ranges back byte for byte', () =>
      withStore(async (store) => {
        const entries = Array.from({ length: 2500 }, (_, i) => ({
          leafHash: leaf(i),
          entry: `{"n": ${i}, "é": "ü"}`,
        }));
        expect(await store.appendAudit(entries.slice(0, 1000))).toBe(0);
        expect(await store.appendAudit(entries.slice(1000))).toBe(1000);
        expect(await store.auditSize()).toBe(2500);
        const rows = await store.readAudit(998, 1003);
        expect(rows.map((r) => r.index)).toEqual([998, 999, 1000, 1001, 1002]);
        expect(rows.map((r) => r.entry)).toEqual(entries.slice(998, 1003).map((e) => e.entry));
        const leaves = await store.readAuditLeaves(0, 2500);
        expect(leaves.length).toBe(2500);
        expect(Buffer.from(leaves[300]!).equals(Buffer.from(leaf(300)))).toBe(true);
      }));

    it('never hands out an index twice when groups are appended concurrently', () =>
      withStore(async (store) => {
        const firsts = await Promise.all(
          Array.from({ length: 6 }, (_, g) =>
            store.appendAudit(
              Array.from({ length: 50 }, (_, i) => ({ leafHash: leaf(i), entry: `${g}:${i}` })),
            ),
          ),
        );
        expect([...firsts].sort((a, b) => a - b)).toEqual([0, 50, 100, 150, 200, 250]);
        const rows = await store.readAudit(0, 300);
        expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
        for (const [g, first] of firsts.entries()) expect(rows[first]?.entry).toBe(`${g}:0`);
      }));

    it('keeps signed tree heads by size and finds the latest', () =>
      withStore(async (store) => {
        expect(await store.latestTreeHead()).toBeNull();
        const head = (size: number) => ({
          size,
          rootHash: leaf(size),
          timestamp: stamp(size),
          signature: new Uint8Array(64).fill(7),
        });
        await store.putTreeHead(head(10));
        await store.putTreeHead(head(3));
        expect((await store.latestTreeHead())?.size).toBe(10);
        const three = await store.getTreeHead(3);
        expect(three?.timestamp).toBe(stamp(3));
        expect(Buffer.from(three!.rootHash).equals(Buffer.from(leaf(3)))).toBe(true);
        expect(await store.getTreeHead(4)).toBeNull();
      }));
  });
}
