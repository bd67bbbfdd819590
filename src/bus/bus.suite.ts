import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackBus, TrackMessage } from './bus.js';

/**
 * One suite for every track bus. `open` gives a handle on the same bus as another process of the node
 * would (for the in-process bus, the same object).
 */
export interface BusUnderTest {
  open(): Promise<TrackBus>;
  cleanup(): Promise<void>;
}

function message(i: number, key = `KOR\u0000T${i}\u00002023-12-18T23:30:00Z`): TrackMessage {
  const xml = `<event uid="T${i}"/>`;
  return {
    bytes: new TextEncoder().encode(xml),
    meta: { uid: `T${i}`, originator: 'KOR', key, feed: 'KOR-MW-1', from: 'sensor' },
  };
}

/** Waits until `check` holds (the bus may deliver asynchronously). */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for deliveries');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 150));

export function trackBusSuite(name: string, make: () => Promise<BusUnderTest>): void {
  describe(`track bus: ${name}`, () => {
    let under: BusUnderTest;
    let a: TrackBus;
    let b: TrackBus;
    beforeAll(async () => {
      under = await make();
      a = await under.open();
      b = await under.open();
    });
    afterAll(async () => {
      await a?.close();
      if (b !== a) await b?.close();
      await under?.cleanup();
    });

    it('delivers bytes and metadata unchanged and in order', async () => {
      const got: TrackMessage[] = [];
      const stop = await a.subscribe((m) => got.push(m));
      const sent = Array.from({ length: 500 }, (_, i) => message(i, `order-${i}`));
      await Promise.all(sent.map((m) => a.publish(m)));
      await until(() => got.length === sent.length);
      expect(got.map((m) => new TextDecoder().decode(m.bytes))).toEqual(
        sent.map((m) => new TextDecoder().decode(m.bytes)),
      );
      expect(got.map((m) => m.meta)).toEqual(sent.map((m) => m.meta));
      await stop();
    });

    it('fans every track out to every subscriber, across processes of the node', async () => {
      const onA: string[] = [];
      const onB: string[] = [];
      const stopA = await a.subscribe((m) => onA.push(m.meta.uid));
      const stopB = await b.subscribe((m) => onB.push(m.meta.uid));
      for (let i = 0; i < 50; i++) await (i % 2 === 0 ? a : b).publish(message(i, `fan-${i}`));
      await until(() => onA.length === 50 && onB.length === 50);
      expect(onA).toEqual(onB);
      await stopA();
      await stopB();
    });

    it('hands the publisher’s decoded form to the subscribers of its own process only, with the bytes', async () => {
      const onA: TrackMessage[] = [];
      const onB: TrackMessage[] = [];
      const stopA = await a.subscribe((m) => onA.push(m));
      const stopB = await b.subscribe((m) => onB.push(m));
      const decoded = { parsed: 'once' };
      await a.publish({ ...message(1, 'decoded-1'), decoded });
      await b.publish(message(2, 'decoded-2'));
      await until(() => onA.length === 2 && onB.length === 2);
      expect(onA[0].decoded).toBe(decoded);
      // Another process gets the bytes alone (for the in-process bus, b is a).
      expect(onB[0].decoded).toBe(b === a ? decoded : undefined);
      expect(new TextDecoder().decode(onB[0].bytes)).toBe('<event uid="T1"/>');
      expect(onA[1].decoded).toBeUndefined();
      await stopA();
      await stopB();
    });

    it('R32: delivers once a track published twice, from one process or two', async () => {
      const got: string[] = [];
      const stop = await a.subscribe((m) => got.push(m.meta.key));
      await a.publish(message(1, 'dup-1'));
      await b.publish(message(1, 'dup-1'));
      await a.publish(message(1, 'dup-1'));
      await a.publish(message(2, 'dup-2'));
      await until(() => got.length >= 2);
      await settle();
      expect(got).toEqual(['dup-1', 'dup-2']);
      await stop();
    });

    it('stops delivering after unsubscribe, and does not replay what came before subscribe', async () => {
      await a.publish(message(1, 'before-1'));
      const got: string[] = [];
      const stop = await a.subscribe((m) => got.push(m.meta.key));
      await a.publish(message(2, 'during-2'));
      await until(() => got.length === 1);
      await stop();
      await a.publish(message(3, 'after-3'));
      await settle();
      expect(got).toEqual(['during-2']);
    });

    it('keeps delivering to the others when one subscriber throws', async () => {
      const got: string[] = [];
      const errors: unknown[] = [];
      const stop1 = await a.subscribe(() => {
        errors.push('thrown');
        throw new Error('a broken client writer');
      });
      const stop2 = await a.subscribe((m) => got.push(m.meta.key));
      const restore = process.stderr.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        await a.publish(message(1, 'survive-1'));
        await a.publish(message(2, 'survive-2'));
        // Each subscriber reads at its own pace (on NATS, its own consumer): wait for both.
        await until(() => got.length === 2 && errors.length === 2);
      } finally {
        process.stderr.write = restore;
      }
      expect(got).toEqual(['survive-1', 'survive-2']);
      expect(errors).toHaveLength(2);
      await stop1();
      await stop2();
    });
  });
}
