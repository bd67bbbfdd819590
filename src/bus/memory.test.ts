import { expect, it } from 'vitest';
import { trackBusSuite } from './bus.suite.js';
import { InProcessTrackBus } from './memory.js';

trackBusSuite('in-process', async () => {
  const bus = new InProcessTrackBus();
  return { open: async () => bus, cleanup: async () => {} };
});

it('forgets the oldest keys beyond its duplicate window (bounded memory)', () => {
  const bus = new InProcessTrackBus({ dedupCapacity: 3 });
  const m = (key: string) => ({ bytes: new Uint8Array(), meta: { uid: key, originator: 'KOR', key } });
  expect(['k1', 'k2', 'k3', 'k4'].map((k) => bus.publishSync(m(k)))).toEqual([true, true, true, true]);
  expect(bus.publishSync(m('k4'))).toBe(false);
  expect(bus.publishSync(m('k1'))).toBe(true); // forgotten, so new again
});

it('delivers synchronously within publish (no queue on the hot path)', async () => {
  const bus = new InProcessTrackBus();
  let got = 0;
  await bus.subscribe(() => got++);
  bus.publishSync({ bytes: new Uint8Array(), meta: { uid: 'u', originator: 'KOR', key: 'k' } });
  expect(got).toBe(1);
  await bus.close();
  await expect(
    bus.publish({ bytes: new Uint8Array(), meta: { uid: 'u', originator: 'KOR', key: 'k2' } }),
  ).rejects.toThrow();
});
