import { readFileSync } from 'node:fs';
import CoT from '@tak-ps/node-cot/dist/index.js';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../registry/index.js';
import { parseCot, serialiseCot } from './cot.js';
import { parseCsv } from './csv.js';
import { trackLabel } from './label.js';
import { outboundTrack } from './outbound.js';
import {
  DEFAULT_FEED_LABEL,
  distanceKm,
  flightUpdates,
  type LaunchRow,
  parseLaunchCsv,
  planFlight,
  simulateLaunch,
} from './simulate.js';

const rows = parseLaunchCsv(readFileSync(`${dataDir}dprk-launches.csv`, 'utf8'));
const byDate = (date: string) => rows.find((r) => r.date === date)!;
const FAR = Date.parse('2030-01-01T00:00:00Z'); // parse "now" after every simulated launch

describe('CSV', () => {
  it('reads quoted fields with commas, doubled quotes, CRLF and line breaks', () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n"multi\nline",,x\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['multi\nline', '', 'x'],
    ]);
    expect(() => parseCsv('a,"b\n')).toThrow(SyntaxError);
    expect(() => parseCsv('a,"b"c\n')).toThrow(SyntaxError);
  });

  it('reads all 23 launches of dprk-launches.csv, quoted sources intact, a missing apogee absent', () => {
    expect(rows).toHaveLength(23);
    const first = rows[0];
    expect(first).toMatchObject({
      date: '2016-06-22',
      lat: 39.15278,
      lon: 127.44361,
      apogeeKm: 1413.6,
      rangeKm: 400,
    });
    expect(first.source).toContain('coords=town centroid, GeoNames-derived');
    expect(byDate('2017-03-06').apogeeKm).toBeUndefined();
    expect(byDate('2024-10-31')).toMatchObject({ apogeeKm: 7687.5, rangeKm: 1001.2 });
  });

  it('refuses a CSV with the wrong header or a bad number', () => {
    expect(() => parseLaunchCsv('date,site\n2020-01-01,x\n')).toThrow(SyntaxError);
    const bad = 'date,site,lat,lon,missile,apogee_km,range_km,source\n2020-01-01,x,north,1,m,1,1,s\n';
    expect(() => parseLaunchCsv(bad)).toThrow(/line 2: bad lat/);
  });
});

describe('ballistic flights', () => {
  it.each(rows.map((r) => [r.date, r] as const))(
    'flies %s from its launch point to an impact at its range, east over the sea',
    (_d, row) => {
      const plan = planFlight(row, { seed: 7 });
      expect(distanceKm(row.lat, row.lon, plan.impact.lat, plan.impact.lon)).toBeCloseTo(row.rangeKm, 3);
      // At sea east of the peninsula (its east coast lies near 128°E at 39°N, 130°E at 42°N).
      expect(plan.impact.lon).toBeGreaterThan(plan.impact.lat < 40.5 ? 128.5 : 130.2);
      expect(plan.impact.lon).toBeLessThan(180);
      expect(plan.azimuthDeg).toBeGreaterThan(50);
      expect(plan.azimuthDeg).toBeLessThan(115);
    },
  );

  it('takes flight times close to the reported ones', () => {
    // Hwasong-18 on 2023-07-12: 74 minutes (Japan MoD); Hwasong-19 on 2024-10-31: 86 minutes (ROK JCS);
    // Hwasong-12 over Hokkaido on 2017-08-29: about 14 minutes.
    expect(planFlight(byDate('2023-07-12'), { seed: 1 }).seconds / 60).toBeGreaterThan(66);
    expect(planFlight(byDate('2023-07-12'), { seed: 1 }).seconds / 60).toBeLessThan(80);
    expect(planFlight(byDate('2024-10-31'), { seed: 1 }).seconds / 60).toBeGreaterThan(76);
    expect(planFlight(byDate('2024-10-31'), { seed: 1 }).seconds / 60).toBeLessThan(92);
    expect(planFlight(byDate('2017-08-29'), { seed: 1 }).seconds / 60).toBeGreaterThan(10);
    expect(planFlight(byDate('2017-08-29'), { seed: 1 }).seconds / 60).toBeLessThan(17);
  });

  it('estimates a missing apogee (minimum-energy shot) and says so', () => {
    const plan = planFlight(byDate('2017-03-06'), { seed: 1 });
    expect(plan.apogeeEstimated).toBe(true);
    expect(plan.apogeeKm).toBe(250);
    expect(planFlight(byDate('2017-07-04'), { seed: 1 }).apogeeEstimated).toBe(false);
  });

  it('flies over Hokkaido (Cape Erimo) and over Japan (Aomori) the rows that say so', () => {
    const closest = (date: string, seed: number, lat: number, lon: number) =>
      Math.min(
        ...simulateLaunch(byDate(date), { seed }).map((u) =>
          distanceKm(u.track.point.lat, u.track.point.lon, lat, lon),
        ),
      );
    for (const seed of [1, 2, 3]) {
      expect(closest('2017-08-29', seed, 41.92, 143.25)).toBeLessThan(120);
      expect(closest('2017-09-15', seed, 41.92, 143.25)).toBeLessThan(120);
      expect(closest('2022-10-04', seed, 40.82, 140.74)).toBeLessThan(120);
    }
  });
});

describe('simulated CoT updates', () => {
  const row: LaunchRow = byDate('2022-05-04'); // 470 km, apogee 780 km
  const launchTime = '2022-05-04T03:07:00Z';
  const updates = simulateLaunch(row, { seed: 42, rate: 2, launchTime });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = simulateLaunch(row, { seed: 42, rate: 2, launchTime });
    expect(again.map((u) => u.xml)).toEqual(updates.map((u) => u.xml));
    const other = simulateLaunch(row, { seed: 43, rate: 2, launchTime });
    expect(other[0].xml).not.toBe(updates[0].xml);
  });

  it('sends rate updates per second from launch to impact, the last at impact', () => {
    const plan = planFlight(row, { seed: 42, launchTime });
    expect(updates[0].offset).toBe(0);
    expect(updates.at(-1)!.offset).toBeCloseTo(plan.seconds, 6);
    expect(updates.length).toBe(Math.floor(plan.seconds * 2) + 2);
    for (let i = 1; i < updates.length - 1; i++)
      expect(updates[i].offset - updates[i - 1].offset).toBeCloseTo(0.5, 9);
    expect(() => simulateLaunch(row, { seed: 1, rate: 11 })).toThrow(RangeError);
    expect(() => simulateLaunch(row, { seed: 1, rate: 0.5 })).toThrow(RangeError);
  });

  it('flies from the launch point up to the apogee and down to the impact point', () => {
    const plan = planFlight(row, { seed: 42, launchTime });
    const first = updates[0].track;
    const last = updates.at(-1)!.track;
    expect(distanceKm(first.point.lat, first.point.lon, row.lat, row.lon)).toBeLessThan(0.01);
    expect(first.point.hae).toBe(0);
    expect(distanceKm(last.point.lat, last.point.lon, plan.impact.lat, plan.impact.lon)).toBeLessThan(0.01);
    expect(last.point.hae).toBe(0);
    const top = Math.max(...updates.map((u) => u.track.point.hae));
    expect(top / 1000).toBeGreaterThan(780 * 0.999);
    expect(top / 1000).toBeLessThanOrEqual(780);
    // climbing, then diving, heading along the azimuth, at ballistic speeds
    expect(updates[10].track.motion!.slope).toBeGreaterThan(45);
    expect(updates.at(-3)!.track.motion!.slope).toBeLessThan(-45);
    expect(Math.abs(updates[10].track.motion!.course! - plan.azimuthDeg)).toBeLessThan(1);
    for (const u of updates.slice(1, -1)) {
      expect(u.track.motion!.speed).toBeGreaterThan(0);
      expect(u.track.motion!.speed).toBeLessThan(8000);
    }
  });

  it('refines the predicted impact as it flies: noisy early, within a kilometre at impact', () => {
    const plan = planFlight(row, { seed: 42, launchTime });
    const err = (i: number) => {
      const p = updates[i].track.impact!;
      return distanceKm(p.lat, p.lon, plan.impact.lat, plan.impact.lon);
    };
    const early = Math.max(...updates.slice(0, 20).map((_, i) => err(i)));
    expect(early).toBeGreaterThan(10);
    expect(err(updates.length - 1)).toBeLessThan(1.5);
    const ces = updates.map((u) => u.track.impact!.ce!);
    for (let i = 1; i < ces.length; i++) expect(ces[i]).toBeLessThanOrEqual(ces[i - 1]);
    // over seeds, the final estimate is always close
    for (let seed = 0; seed < 20; seed++) {
      const last = simulateLaunch(row, { seed, launchTime }).at(-1)!.track.impact!;
      const p = planFlight(row, { seed, launchTime });
      expect(distanceKm(last.lat, last.lon, p.impact.lat, p.impact.lon)).toBeLessThan(2);
    }
  });

  it('writes events that both parsers read, labelled for the feed, rich in sensor details', () => {
    for (const u of [updates[0], updates[100], updates.at(-1)!]) {
      const t = parseCot(u.xml, { now: FAR });
      expect(t).toEqual(u.track);
      expect(new CoT(u.xml).raw.event._attributes.uid).toBe('KOR-MW-1.2022-05-04.T001');
      expect(trackLabel(t)).toEqual(DEFAULT_FEED_LABEL);
      expect(t.relto?.feed).toBe('KOR-MW-1');
      expect(t.details!.map((d) => d.name)).toEqual([
        'sensor',
        '__sensor',
        'contact',
        'remarks',
        'link',
        'precisionlocation',
      ]);
      expect(u.xml).toContain('Pre-launch indications');
      expect(u.at).toBe(Date.parse(launchTime) + Math.round(u.offset * 1000));
    }
  });

  it('leaves nothing of the sensor once stripped (R30)', () => {
    for (const u of updates.slice(0, 50)) {
      const t = parseCot(u.xml, { now: FAR });
      const out = serialiseCot(outboundTrack(t, trackLabel(t), 'KOR'));
      for (const s of [
        'Green Pine',
        'GREENPINE',
        'KOR-GP-3',
        '36.7166',
        'Cheongju',
        'Pre-launch',
        'azimuth',
        'Radar',
      ]) {
        expect(out).not.toContain(s);
      }
      expect(out).toContain('<__impact ');
      expect(out).toContain('<__launch ');
    }
  });

  it('can send unlabelled events, for the node to label with the feed default', () => {
    const [u] = flightUpdates(row, { seed: 1, label: null, launchTime });
    expect(u.track.access).toBeUndefined();
    expect(u.track.relto).toEqual({ feed: 'KOR-MW-1' });
    expect(
      trackLabel(parseCot(u.xml, { now: FAR }), { defaults: new Map([['KOR-MW-1', DEFAULT_FEED_LABEL]]) }),
    ).toEqual(DEFAULT_FEED_LABEL);
  });

  it('runs a lofted ICBM at 10 updates per second lazily', () => {
    const gen = flightUpdates(byDate('2024-10-31'), { seed: 9, rate: 10 });
    const firstTen = Array.from({ length: 10 }, () => gen.next().value as { offset: number });
    expect(firstTen.map((u) => u.offset)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });
});
