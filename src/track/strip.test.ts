import { readFileSync } from 'node:fs';
import CoT from '@tak-ps/node-cot/dist/index.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { parseCot, serialiseCot } from './cot.js';
import { trackLabel } from './label.js';
import { outboundTrack } from './outbound.js';
import { stripForRelease } from './strip.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
const NOW = Date.parse('2023-12-19T00:00:00Z');
const read = (f: string) => readFileSync(`${dir}${f}`, 'utf8');

const KOR_MW_1: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN', 'USA'],
  topics: ['DPRK-MISSILE'],
};
const defaults = new Map([['KOR-MW-1', KOR_MW_1]]);

/** What a partner or client receives from KOR's node for one sensor event. */
function korOutbound(xml: string): string {
  const t = parseCot(xml, { now: NOW });
  const label = trackLabel(t, { feed: 'KOR-MW-1', defaults });
  return serialiseCot(outboundTrack(t, label, 'KOR', 'KOR-MW-1'));
}

// Things a sensor puts in its events that must never leave the node (R30).
const SENSOR_SECRETS = [
  'Green Pine', // sensor model / name
  'GREENPINE', // callsign
  'KOR-GP-3', // sensor uid (in __sensor, remarks source, link)
  '36.7166', // sensor latitude
  '127.4991', // sensor longitude
  'Cheongju', // sensor site
  '10.31.4.7', // sensor endpoint
  'Pre-launch', // pre-launch indications
  'TEL',
  'shelter',
  'azimuth',
  'Radar',
  'qos',
  '_flow-tags_',
  'KOR-MW-GW',
];

describe('R30: what leaves the node', () => {
  it('keeps byte for byte only the event, point, track, launch, impact and label of a sensor-rich KOR track', () => {
    expect(korOutbound(read('kor-sensor-track.xml'))).toBe(read('kor-sensor-track.stripped.xml'));
  });

  it('strips a JPN track with CDATA pre-launch remarks, comments and nested sensor links byte for byte', () => {
    const t = parseCot(read('jpn-radar-entities.xml'), { now: NOW });
    const out = serialiseCot(outboundTrack(t, trackLabel(t), 'JPN'));
    expect(out).toBe(read('jpn-radar-entities.stripped.xml'));
    for (const s of ['FPS', 'Shimokoshiki', '31.6566', 'TEL', 'comms', 'nested', 'sensor']) {
      expect(out).not.toContain(s);
    }
  });

  it('leaves no sensor identity, location or pre-launch indication in the bytes (R30)', () => {
    const out = korOutbound(read('kor-sensor-track.xml'));
    const input = read('kor-sensor-track.xml');
    for (const secret of SENSOR_SECRETS) {
      expect(input).toContain(secret); // the fixture really carries it…
      expect(out).not.toContain(secret); // …and it is gone
    }
  });

  it('sends what node-cot reads as a track with only the allowed detail children', () => {
    const out = korOutbound(read('kor-sensor-track.xml'));
    const detail = { ...(new CoT(out).raw.event.detail as Record<string, unknown>) };
    delete detail['_flow-tags_']; // node-cot's own stamp on reading
    expect(Object.keys(detail).sort()).toEqual(['__impact', '__launch', '__relto', 'track']);
    const ev = new CoT(out).raw.event._attributes as Record<string, unknown>;
    expect(Object.keys(ev).sort()).toEqual(
      ['access', 'how', 'releasableTo', 'stale', 'start', 'time', 'type', 'uid', 'version'].sort(),
    );
  });

  it('drops any detail child or event attribute it does not know, whatever its name (allow-list, property)', () => {
    const name = fc
      .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_-]{0,15}$/)
      .filter(
        (n) =>
          !['track', '__launch', '__impact', '__relto'].includes(n) && !n.toLowerCase().startsWith('xml'),
      );
    const base = read('kor-labelled-relay.xml');
    fc.assert(
      fc.property(name, name, fc.boolean(), (child, attr, nested) => {
        const secret = 'SENSOR-SECRET-42';
        const extra = nested
          ? `<${child} v="${secret}"><${child}>${secret}</${child}></${child}>`
          : `<${child} v="${secret}"/>`;
        const xml = base
          .replace('<detail>', `<detail>${extra}`)
          .replace(' access=', ` ${attr === 'uid' || attr === 'type' ? 'x' : ''}${attr}="${secret}" access=`);
        let t: ReturnType<typeof parseCot>;
        try {
          t = parseCot(xml, { now: NOW });
        } catch {
          return; // the generated attribute collided with a known one: the event is refused, nothing leaks
        }
        const out = serialiseCot(stripForRelease(t));
        expect(out).not.toContain(secret);
        expect(serialiseCot(t)).toContain(secret); // kept locally
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every allowed part unchanged', () => {
    const t = parseCot(read('kor-labelled-relay.xml'), { now: NOW });
    expect(stripForRelease(t)).toEqual(t); // nothing in it is outside the allow-list
    expect(serialiseCot(stripForRelease(t))).toBe(serialiseCot(t));
  });

  it('does not alias the input: editing the stripped copy leaves the node’s track intact', () => {
    const t = parseCot(read('kor-labelled-relay.xml'), { now: NOW });
    const before = serialiseCot(t);
    const s = stripForRelease(t);
    s.point.lat = 0;
    s.relto!.flow!.push('XXX');
    s.releasableTo!.push('XXX');
    expect(serialiseCot(t)).toBe(before);
  });
});
