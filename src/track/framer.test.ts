import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCot } from './cot.js';
import { CotFramer, type Frame } from './framer.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
const NOW = Date.parse('2023-12-19T00:00:00Z');
const files = [
  'kor-sensor-track.xml',
  'atak-ping.xml',
  'atak-sa.xml',
  'jpn-radar-entities.xml',
  'kor-labelled-relay.xml',
];
const events = files.map((f) => readFileSync(`${dir}${f}`, 'utf8').trim());
const stream = Buffer.from(events.join('\n'));

const texts = (frames: Frame[]) => frames.map((f) => (f.ok ? f.bytes.toString('utf8') : `!${f.reason}`));

describe('CoT stream framing', () => {
  it('cuts a stream of events, declarations and all, into one buffer per event', () => {
    const frames = new CotFramer().push(stream);
    expect(texts(frames)).toEqual(events);
    for (const f of frames) if (f.ok) expect(() => parseCot(f.bytes, { now: NOW })).not.toThrow();
  });

  it('gives the same events however the stream is chunked (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 40 }), (cuts) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        const framer = new CotFramer();
        const out: Frame[] = [];
        let prev = 0;
        for (const c of [...at, stream.length]) {
          out.push(...framer.push(stream.subarray(prev, c)));
          prev = c;
        }
        expect(texts(out)).toEqual(events);
        expect(framer.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('byte by byte too', () => {
    const framer = new CotFramer();
    const out: Frame[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...framer.push(stream.subarray(i, i + 1)));
    expect(texts(out)).toEqual(events);
  });

  it('drops an oversize event without holding it, reports it once, and resumes after it', () => {
    const framer = new CotFramer({ maxBytes: 4096 });
    const big = `<event uid="x"><detail><remarks>${'x'.repeat(20_000)}</remarks></detail></event>`;
    const out: Frame[] = [];
    const all = Buffer.from(`${events[1]}${big}${events[4]}`);
    for (let i = 0; i < all.length; i += 1000) {
      out.push(...framer.push(all.subarray(i, i + 1000)));
      expect(framer.buffered).toBeLessThanOrEqual(4096 + 1000);
    }
    expect(texts(out)).toEqual([events[1], '!oversize', events[4]]);
  });

  it('refuses an event that arrives whole but too long', () => {
    const out = new CotFramer({ maxBytes: 300 }).push(Buffer.from(events.join('')));
    expect(texts(out).map((t) => (t.startsWith('!') ? t : 'ok'))).toEqual(
      events.map((e) => (Buffer.byteLength(e) > 300 ? '!oversize' : 'ok')),
    );
  });
});
