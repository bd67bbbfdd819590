import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCot, serialiseCot } from './cot.js';
import { eventKey, flowOf, mayForwardTo, receivedFrom, TrackDeduper, withFlowHop } from './flow.js';
import { trackLabel } from './label.js';
import type { Track } from './track.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
const NOW = Date.parse('2023-12-19T00:00:00Z');
const relayed = () => parseCot(readFileSync(`${dir}kor-labelled-relay.xml`), { now: NOW });

describe('R32: flow tags', () => {
  it('stamps each node once, in order, and the stamps survive the wire', () => {
    const t = { ...relayed(), relto: { feed: 'KOR-MW-1' } };
    const atKor = withFlowHop(t, 'KOR');
    expect(withFlowHop(atKor, 'KOR')).toBe(atKor);
    const atUsa = withFlowHop(parseCot(serialiseCot(atKor), { now: NOW }), 'USA');
    expect(flowOf(parseCot(serialiseCot(atUsa), { now: NOW }))).toEqual(['KOR', 'USA']);
    expect(flowOf(t)).toEqual([]); // the input is not changed
  });

  it('never sends a track back to the partner it came from, nor to its originator', () => {
    const atJpn = relayed(); // originated by KOR, carried by KOR and USA
    expect(mayForwardTo(atJpn, 'KOR', 'KOR')).toBe(false);
    expect(mayForwardTo(atJpn, 'KOR', 'USA')).toBe(false);
    const atUsa = withFlowHop({ ...atJpn, relto: { feed: 'KOR-MW-1' } }, 'KOR');
    expect(mayForwardTo(atUsa, 'KOR', 'KOR')).toBe(false);
    expect(mayForwardTo(atUsa, 'KOR', 'JPN')).toBe(true);
  });

  it('puts the sender on the flow even when the sender left itself off', () => {
    const bare = { ...relayed(), relto: { feed: 'KOR-MW-1' } };
    const got = receivedFrom(bare, 'USA');
    expect(flowOf(got)).toEqual(['USA']);
    expect(mayForwardTo(got, 'KOR', 'USA')).toBe(false);
    expect(receivedFrom(relayed(), 'USA')).toEqual(relayed());
  });

  it('ends a full mesh of three nodes with every node delivering the track once (no loop)', () => {
    const parties = ['KOR', 'JPN', 'USA'];
    const dedup = new Map(parties.map((p) => [p, new TrackDeduper(16)]));
    const delivered = new Map(parties.map((p) => [p, 0]));
    const sensorTrack = { ...relayed(), relto: { feed: 'KOR-MW-1' } } as Track;
    const queue: { at: string; from?: string; xml: string }[] = [
      { at: 'KOR', xml: serialiseCot(sensorTrack) },
    ];
    let sends = 0;
    while (queue.length > 0) {
      const { at, from, xml } = queue.shift()!;
      let t = parseCot(xml, { now: NOW });
      if (from) t = receivedFrom(t, from);
      const originator = trackLabel(t).originator;
      if (!dedup.get(at)!.firstSighting(t, originator)) continue;
      delivered.set(at, delivered.get(at)! + 1);
      const out = serialiseCot(withFlowHop(t, at));
      for (const p of parties) {
        if (p === at || !mayForwardTo(t, originator, p)) continue;
        sends++;
        expect(sends).toBeLessThan(20); // a loop would never stop
        queue.push({ at: p, from: at, xml: out });
      }
    }
    expect([...delivered.values()]).toEqual([1, 1, 1]);
  });
});

describe('R32: a track that arrived over two paths is delivered once', () => {
  it('recognises the same event by originator, uid, time and stale, whatever its flow', () => {
    const d = new TrackDeduper();
    const viaUsa = relayed();
    const direct = { ...viaUsa, relto: { ...viaUsa.relto, flow: ['KOR'] } };
    expect(d.firstSighting(viaUsa, 'KOR')).toBe(true);
    expect(d.firstSighting(direct, 'KOR')).toBe(false);
    expect(d.firstSighting({ ...viaUsa, time: '2023-12-18T23:30:03.000Z' }, 'KOR')).toBe(true); // an update
    expect(d.firstSighting(viaUsa, 'JPN')).toBe(true); // another originator's uid space
  });

  it('keeps a bounded memory, forgetting the oldest first', () => {
    const d = new TrackDeduper(1000);
    const t = relayed();
    for (let i = 0; i < 5000; i++) d.firstSighting({ ...t, uid: `T${i}` }, 'KOR');
    expect(d.size).toBe(1000);
    expect(d.firstSighting({ ...t, uid: 'T4999' }, 'KOR')).toBe(false);
    expect(d.firstSighting({ ...t, uid: 'T0' }, 'KOR')).toBe(true);
    expect(() => new TrackDeduper(0)).toThrow();
  });

  it('treats a changed stale as a new event (a re-issued track)', () => {
    const t = relayed();
    expect(eventKey({ ...t, stale: '2023-12-18T23:30:20.000Z' }, 'KOR')).not.toBe(eventKey(t, 'KOR'));
  });
});
