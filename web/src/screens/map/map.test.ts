import { describe, expect, it } from 'vitest';
import { PLACES, placeName } from './names.js';
import { sidcOf } from './sidc.js';
import { REPLAY_MS, replayWindow, shownAt, type TrackMessage, TrackStore } from './tracks.js';
import { HOME, panBy, projectionFor, zoomBy } from './view.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');

function message(
  uid: string,
  s: number,
  lat: number,
  lon: number,
  extra: Partial<TrackMessage> = {},
): TrackMessage {
  return {
    uid,
    type: 'a-h-A-W-M-S-S',
    time: new Date(T0 + s * 1000).toISOString(),
    start: new Date(T0 + s * 1000).toISOString(),
    stale: new Date(T0 + (s + 30) * 1000).toISOString(),
    point: { lat, lon, hae: 0, ce: 0, le: 0 },
    label: { originator: 'KOR', classification: 'II', banner: 'SECRET', level: 'S' },
    ...extra,
  } as TrackMessage;
}

describe('the map names the sea and the islets as the viewer’s nation does, in the reader’s language', () => {
  it('KOR: East Sea and Dokdo', () => {
    expect(placeName('sea', 'KOR', 'ko')).toBe('동해');
    expect(placeName('islets', 'KOR', 'ko')).toBe('독도');
    expect(placeName('sea', 'KOR', 'en')).toBe('East Sea');
    expect(placeName('islets', 'KOR', 'ja')).toBe('独島');
  });
  it('JPN: Sea of Japan and Takeshima', () => {
    expect(placeName('sea', 'JPN', 'ja')).toBe('日本海');
    expect(placeName('islets', 'JPN', 'ja')).toBe('竹島');
    expect(placeName('islets', 'JPN', 'en')).toBe('Takeshima');
  });
  it('USA: Sea of Japan and Liancourt Rocks; a party not listed gets the same', () => {
    expect(placeName('sea', 'USA', 'en')).toBe('Sea of Japan');
    expect(placeName('islets', 'USA', 'en')).toBe('Liancourt Rocks');
    expect(placeName('islets', 'GBR', 'en')).toBe('Liancourt Rocks');
    expect(placeName('sea', 'KOR', 'en')).not.toBe(placeName('sea', 'USA', 'en'));
  });
});

describe('the CoT type becomes a 2525B symbol code by the rule of node-cot’s type table', () => {
  it('a hostile surface-to-surface missile in flight', () => {
    expect(sidcOf('a-h-A-W-M-S-S')).toBe('SHAPWMSS-------');
    expect(sidcOf('a-h-A-W-M-S-S')).toHaveLength(15);
  });
  it('a friendly ground sensor radar, and lower-case extensions dropped', () => {
    expect(sidcOf('a-f-G-E-S-R')).toBe('SFGPESR--------');
    expect(sidcOf('a-.-A-W-M-S-A-f')).toBeNull(); // a table pattern, not a track's type
    expect(sidcOf('a-u-A-W-M-S-A-f')).toBe('SUAPWMSA-------');
  });
  it('no code for what is not an atom', () => {
    expect(sidcOf('t-x-c-t')).toBeNull();
    expect(sidcOf('b-m-p-s-p-i')).toBeNull();
  });
});

describe('the projection centres the peninsula and follows pan and zoom', () => {
  const w = 1000;
  const h = 700;
  it('puts the islets, the launch sites and Tokyo inside the first view, the centre in the middle', () => {
    const p = projectionFor(HOME, w, h);
    const [cx, cy] = p(HOME.center)!;
    expect(cx).toBeCloseTo(w / 2, 6);
    expect(cy).toBeCloseTo(h / 2, 6);
    for (const where of [
      PLACES.islets,
      PLACES.sea,
      [125.6, 39.0] as [number, number],
      [139.7, 35.7] as [number, number],
    ]) {
      const [x, y] = p(where)!;
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(w);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(h);
    }
    // East is right, north is up.
    expect(p([131, 38])![0]).toBeLessThan(p([132, 38])![0]);
    expect(p([131, 39])![1]).toBeLessThan(p([131, 38])![1]);
  });
  it('pans by pixels and zooms about a point that stays put', () => {
    const moved = panBy(HOME, 100, -50, w, h);
    const [x, y] = projectionFor(moved, w, h)(HOME.center)!;
    expect(x).toBeCloseTo(w / 2 + 100, 3);
    expect(y).toBeCloseTo(h / 2 - 50, 3);
    const at: [number, number] = [300, 200];
    const before = projectionFor(HOME, w, h).invert!(at)!;
    const zoomed = zoomBy(HOME, 2, w, h, at);
    expect(zoomed.zoom).toBe(2);
    const after = projectionFor(zoomed, w, h)(before)!;
    expect(after[0]).toBeCloseTo(at[0], 3);
    expect(after[1]).toBeCloseTo(at[1], 3);
    expect(zoomBy(HOME, 1e6, w, h).zoom).toBe(64);
  });
});

describe('the tracks replayed over the last hour', () => {
  it('keeps each track’s path in time order, its latest message and every party it was sent to', () => {
    const s = new TrackStore();
    s.apply([message('M1', 0, 39, 125.5, { sentTo: ['USA'] }), message('M1', 2, 39.2, 126)]);
    s.apply([message('M1', 1, 39.1, 125.8, { sentTo: ['JPN', 'USA'] })]); // late
    const t = s.tracks.get('M1')!;
    expect(t.path.map((f) => f.lat)).toEqual([39, 39.1, 39.2]);
    expect(t.last.point.lat).toBe(39.2);
    expect(t.sentTo).toEqual(['USA', 'JPN']);
  });
  it('shows a track where it was at a replayed instant, not before it appeared nor once stale', () => {
    const s = new TrackStore();
    s.apply([0, 10, 20].map((sec, i) => message('M2', sec, 39 + i, 126)));
    const t = s.tracks.get('M2')!;
    expect(shownAt(t, T0 - 1)).toBe(-1);
    expect(shownAt(t, T0 + 15_000)).toBe(1);
    expect(shownAt(t, T0 + 25_000)).toBe(2);
    expect(shownAt(t, T0 + 51_000)).toBe(-1); // stale 30 s after its last update
  });
  it('reaches back one hour and forgets what is older', () => {
    const now = T0 + 2 * REPLAY_MS;
    expect(replayWindow(now)).toEqual({ from: now - 3_600_000, to: now });
    const s = new TrackStore();
    s.apply([message('old', 0, 39, 126), message('both', 0, 39, 126)]);
    s.apply([message('both', (REPLAY_MS * 1.5) / 1000, 40, 127)]);
    s.prune(now);
    expect([...s.tracks.keys()]).toEqual(['both']);
    expect(s.tracks.get('both')!.path).toHaveLength(1);
  });
});
