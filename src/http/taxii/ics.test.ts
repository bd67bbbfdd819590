import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oasisValidator } from '../../stix/index.js';
import { LOW_MARKING, labelledIcsObjects, renewIds } from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { nodeFactories } from '../test-support/nodes.js';
import { TAXII_MEDIA_TYPE } from './media.js';

type Obj = Record<string, unknown> & { id: string; type: string };

/** Every page of the collection's objects for one person (TAXII `next`), checking for duplicates. */
async function readAll(h: Harness, as: string, query = ''): Promise<Obj[]> {
  const out: Obj[] = [];
  let next: string | undefined;
  do {
    const sep = query ? '&' : '';
    const res = await h.taxii(
      as,
      `${h.objectsUrl}?${query}${sep}limit=1000${next ? `&next=${encodeURIComponent(next)}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    const env = res.json() as { objects?: Obj[]; more?: boolean; next?: string };
    out.push(...(env.objects ?? []));
    next = env.more ? env.next : undefined;
  } while (next);
  return out;
}

describe('the ATT&CK ICS bundle through TAXII on the real node', () => {
  let h: Harness;
  const objects = labelledIcsObjects();
  beforeAll(async () => {
    h = await harness(await nodeFactories['real (SQLite)']!());
  });
  afterAll(async () => {
    await h?.close();
    await h?.node.close();
  });

  it('stores all 1,826 labelled objects from one POST; every object served back validates (OASIS)', async () => {
    expect(objects).toHaveLength(1827); // the ICS bundle's 1,826 objects and the label they carry
    const res = await h.postTaxii('analyst', objects);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(202);
    const status = res.json();
    expect(status.failure_count).toBe(0);
    expect(status.success_count).toBe(status.total_count);
    const ics = new Set(objects.filter((o) => o.id !== LOW_MARKING.id).map((o) => o.id));
    expect(ics.size).toBe(1826);
    for (const as of ['analyst', 'analyst-low']) {
      const served = await readAll(h, as);
      const ids = new Set(served.map((o) => o.id));
      for (const id of ics) expect(ids.has(id), `${as} ${id}`).toBe(true);
      const validator = oasisValidator();
      for (const o of served) expect(validator.validateObject(o), o.id).toEqual([]);
    }
  }, 120_000);

  it('accepts a body of more than 16 MiB in one POST (TAXII max_content_length)', async () => {
    const copies = [1, 2, 3, 4, 5, 6, 7].flatMap((k) => renewIds(objects.slice(1), k));
    const payload = JSON.stringify({ objects: [LOW_MARKING, ...copies] });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(16 * 1024 * 1024);
    const res = await h.taxii('analyst', h.objectsUrl, {
      method: 'POST',
      headers: { 'content-type': TAXII_MEDIA_TYPE },
      payload,
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(202);
    expect(res.json().failure_count).toBe(0);
    const one = copies.find((o) => o.type === 'attack-pattern')!;
    expect((await h.taxii('analyst-low', `${h.objectsUrl}${one.id}/`)).statusCode).toBe(200);
  }, 180_000);
});
