import type { Label } from '../label/index.js';
import { serialiseCot } from './cot.js';
import { parseCsv } from './csv.js';
import { formatInstant, parseInstant } from './instant.js';
import { withLabel } from './label.js';
import type { RawDetail, Track } from './track.js';
import { escapeAttr as esc } from './xml.js';

/**
 * A launch simulator for the demo and the tests: one row of dprk-launches.csv becomes a ballistic flight
 * from launch to impact, sent as CoT updates a sensor would send, with the predicted impact refined as it
 * flies and sensor details (identity, location, pre-launch indications) attached so that stripping (R30)
 * has something to strip. Deterministic for a seed: no clock, no Math.random.
 */

/** One row of dprk-launches.csv. */
export interface LaunchRow {
  date: string;
  site: string;
  lat: number;
  lon: number;
  missile: string;
  /** Absent when the public record gives none. */
  apogeeKm?: number;
  rangeKm: number;
  source: string;
}

const COLUMNS = ['date', 'site', 'lat', 'lon', 'missile', 'apogee_km', 'range_km', 'source'];

/** Reads dprk-launches.csv (header line first). Throws SyntaxError naming the bad record. */
export function parseLaunchCsv(text: string): LaunchRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header || header.join(',') !== COLUMNS.join(',')) {
    throw new SyntaxError(`launch CSV: expected the header ${COLUMNS.join(',')}`);
  }
  return records
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r, i) => {
      const line = i + 2;
      if (r.length !== COLUMNS.length) throw new SyntaxError(`launch CSV line ${line}: ${r.length} fields`);
      const number = (v: string, what: string) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n))
          throw new SyntaxError(`launch CSV line ${line}: bad ${what}`);
        return n;
      };
      const row: LaunchRow = {
        date: r[0],
        site: r[1],
        lat: number(r[2], 'lat'),
        lon: number(r[3], 'lon'),
        missile: r[4],
        rangeKm: number(r[6], 'range_km'),
        source: r[7],
      };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(row.date)) throw new SyntaxError(`launch CSV line ${line}: bad date`);
      if (r[5].trim() !== '') row.apogeeKm = number(r[5], 'apogee_km');
      if (row.rangeKm <= 0) throw new SyntaxError(`launch CSV line ${line}: range must be positive`);
      return row;
    });
}

// ---------------------------------------------------------------------------------------------------
// Randomness and geometry

/** A seeded generator (mulberry32): uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  // Box–Muller; 1 - u keeps the logarithm finite.
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const EARTH_KM = 6371.0088;
const MU = 3.986004418e14; // m³/s², Earth's gravitational parameter
const RAD = Math.PI / 180;

/** The point `km` along the great circle leaving (lat, lon) on `bearing` degrees. */
export function destination(
  lat: number,
  lon: number,
  bearing: number,
  km: number,
): { lat: number; lon: number } {
  const d = km / EARTH_KM;
  const p1 = lat * RAD;
  const l1 = lon * RAD;
  const b = bearing * RAD;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 =
    l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return { lat: p2 / RAD, lon: ((((l2 / RAD + 540) % 360) + 360) % 360) - 180 };
}

/** Great-circle distance in km (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dp = (lat2 - lat1) * RAD;
  const dl = (lon2 - lon1) * RAD;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dl / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from one point to another, degrees in [0, 360). */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = lat1 * RAD;
  const p2 = lat2 * RAD;
  const dl = (lon2 - lon1) * RAD;
  const y = Math.sin(dl) * Math.cos(p2);
  const x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
  return (((Math.atan2(y, x) / RAD) % 360) + 360) % 360;
}

/**
 * Flight time of a ballistic missile reaching `apogeeKm`: twice the time to fall radially from the apogee
 * to the surface in an inverse-square field (Kepler's radial orbit). Lofted DPRK ICBMs (apogee 6,000–7,700
 * km) come out at 70–80 minutes, as reported; flatter shots are floored at the range over 7 km/s.
 */
export function flightSeconds(apogeeKm: number, rangeKm: number): number {
  const r = (EARTH_KM + apogeeKm) * 1000;
  const x = (EARTH_KM * 1000) / r;
  const fall = Math.sqrt(r ** 3 / (2 * MU)) * (Math.sqrt(x * (1 - x)) + Math.acos(Math.sqrt(x)));
  return Math.max(2 * fall, rangeKm / 7);
}

// ---------------------------------------------------------------------------------------------------
// The flight

export interface FlightPlan {
  launch: { lat: number; lon: number };
  impact: { lat: number; lon: number };
  azimuthDeg: number;
  rangeKm: number;
  apogeeKm: number;
  /** True when the row gives no apogee and it was estimated (a minimum-energy shot: range / 4). */
  apogeeEstimated: boolean;
  seconds: number;
  /** Launch instant, ms since the epoch. */
  launchMs: number;
}

/**
 * The azimuth a row suggests and its seeded spread: over Hokkaido (the 2017 shots crossed Cape Erimo),
 * over Japan (2022-10-04 crossed Aomori), else east over the East Sea / Sea of Japan.
 */
function baseAzimuth(row: LaunchRow): { mean: number; sd: number } {
  const text = `${row.missile} ${row.site}`.toLowerCase();
  if (text.includes('hokkaido')) return { mean: 73, sd: 1.5 };
  if (text.includes('over japan')) return { mean: 86, sd: 1.5 };
  return { mean: 88, sd: 4 };
}

/** The flight a row describes: azimuth (seeded around the row's hint), impact point, apogee and duration. */
export function planFlight(row: LaunchRow, options: { seed: number; launchTime?: string }): FlightPlan {
  const rand = seededRandom(options.seed);
  const base = baseAzimuth(row);
  const azimuthDeg = (base.mean + base.sd * gaussian(rand) + 360) % 360;
  const impact = destination(row.lat, row.lon, azimuthDeg, row.rangeKm);
  const apogeeEstimated = row.apogeeKm === undefined;
  const apogeeKm = row.apogeeKm ?? row.rangeKm / 4;
  const launchTime = options.launchTime ?? `${row.date}T00:00:00Z`;
  const launchMs = parseInstant(launchTime);
  if (Number.isNaN(launchMs)) throw new RangeError(`launch time ${launchTime} is not an instant`);
  return {
    launch: { lat: row.lat, lon: row.lon },
    impact,
    azimuthDeg,
    rangeKm: row.rangeKm,
    apogeeKm,
    apogeeEstimated,
    seconds: flightSeconds(apogeeKm, row.rangeKm),
    launchMs,
  };
}

/** The missile's position `s` seconds after launch: along the great circle, a parabolic height profile. */
function positionAt(plan: FlightPlan, s: number): { lat: number; lon: number; hae: number } {
  const f = Math.min(1, Math.max(0, s / plan.seconds));
  const p = destination(plan.launch.lat, plan.launch.lon, plan.azimuthDeg, f * plan.rangeKm);
  return { ...p, hae: 4 * plan.apogeeKm * 1000 * f * (1 - f) };
}

/** The sensor a simulated feed reports from; its details never leave the node (R30). */
export interface SimulatedSensor {
  uid: string;
  name: string;
  model: string;
  callsign: string;
  lat: number;
  lon: number;
  hae: number;
  site: string;
  endpoint: string;
}

/** A Korean early-warning radar, as the KOR-MW-1 feed's simulated sensor. */
export const DEFAULT_SENSOR: SimulatedSensor = {
  uid: 'KOR-GP-3',
  name: 'Green Pine #3',
  model: 'EL/M-2080 Green Pine Block-C',
  callsign: 'GREENPINE-3',
  lat: 36.7166,
  lon: 127.4991,
  hae: 85,
  site: 'Cheongju',
  endpoint: '10.31.4.7:4242:tcp',
};

export const DEFAULT_FEED = 'KOR-MW-1';

/** The KOR-MW-1 feed's label: KOR 군사II급비밀 (SECRET tier), releasable to KOR JPN USA, DPRK-MISSILE. */
export const DEFAULT_FEED_LABEL: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN', 'USA'],
  topics: ['DPRK-MISSILE'],
};

export interface SimulateOptions {
  seed: number;
  /** Updates per second, 1–10 (default 1). */
  rate?: number;
  /** Launch instant (RFC 3339; default the row's date at 00:00Z). */
  launchTime?: string;
  feed?: string;
  /** The label written on each event (default DEFAULT_FEED_LABEL); null sends events unlabelled. */
  label?: Label | null;
  sensor?: SimulatedSensor;
  /** Track number within the feed (default 1). */
  trackNumber?: number;
}

export interface SimulatedUpdate {
  /** Seconds since launch. */
  offset: number;
  /** When the sensor sends it, ms since the epoch. */
  at: number;
  track: Track;
  xml: string;
}

const PRE_LAUNCH = [
  'TEL observed leaving shelter',
  'launch-support vehicles massing',
  'communications surge at the launch site',
  'propellant trucks observed',
  'erector raised on the pad',
];

const round = (v: number, digits: number) => {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
};

/**
 * The CoT updates of one flight, at `rate` per second from launch to impact (the last one at impact).
 * The predicted impact starts tens of kilometres off and converges (an AR(1) error shrinking with the time
 * left, seeded); launch point and time are estimated once. Each event carries the sensor's details.
 */
export function* flightUpdates(row: LaunchRow, options: SimulateOptions): Generator<SimulatedUpdate> {
  const rate = options.rate ?? 1;
  if (!(rate >= 1 && rate <= 10)) throw new RangeError('rate must be 1–10 updates per second');
  const plan = planFlight(row, { seed: options.seed, launchTime: options.launchTime });
  // A second stream for the measurement noise, so the plan does not shift when the rate changes.
  const rand = seededRandom((options.seed ^ 0x5bd1e995) >>> 0);
  const feed = options.feed ?? DEFAULT_FEED;
  const sensor = options.sensor ?? DEFAULT_SENSOR;
  const label = options.label === undefined ? DEFAULT_FEED_LABEL : options.label;
  const uid = `${feed}.${row.date}.T${String(options.trackNumber ?? 1).padStart(3, '0')}`;

  const launchEstimate = destination(
    plan.launch.lat,
    plan.launch.lon,
    rand() * 360,
    Math.abs(gaussian(rand)) * 2,
  );
  const launchTime = formatInstant(plan.launchMs + Math.round(gaussian(rand) * 2000));
  const detection = PRE_LAUNCH[Math.floor(rand() * PRE_LAUNCH.length)];
  const leadMinutes = 10 + Math.floor(rand() * 50);
  const preLaunch = `Pre-launch indications: ${detection} at ${row.site}, T-${leadMinutes} min.`;
  const remarksTime = formatInstant(plan.launchMs - leadMinutes * 60_000);

  // The impact error: σ from a quarter of the range (capped at 150 km) down to 0.3 km at impact.
  const sigma0 = Math.min(150, plan.rangeKm / 4);
  let along = gaussian(rand);
  let across = gaussian(rand);
  let timeErr = gaussian(rand);
  const alpha = 0.97;
  const innovation = Math.sqrt(1 - alpha * alpha);

  const steps = Math.floor(plan.seconds * rate);
  for (let k = 0; k <= steps + 1; k++) {
    const offset = k <= steps ? k / rate : plan.seconds;
    if (k === steps + 1 && offset === steps / rate) break; // the last regular step landed on impact
    const left = 1 - offset / plan.seconds;
    const here = positionAt(plan, offset);
    const dt = 0.5;
    const a = positionAt(plan, Math.max(0, offset - dt));
    const b = positionAt(plan, Math.min(plan.seconds, offset + dt));
    const ground = distanceKm(a.lat, a.lon, b.lat, b.lon) * 1000;
    const climb = b.hae - a.hae;
    const span = Math.min(plan.seconds, offset + dt) - Math.max(0, offset - dt);
    const course = ground > 0 ? bearingDeg(a.lat, a.lon, b.lat, b.lon) : plan.azimuthDeg;

    along = alpha * along + innovation * gaussian(rand);
    across = alpha * across + innovation * gaussian(rand);
    timeErr = alpha * timeErr + innovation * gaussian(rand);
    const sigma = sigma0 * left ** 1.5 + 0.3;
    const alongKm = along * sigma;
    const acrossKm = across * sigma * 0.35;
    const shifted = destination(plan.impact.lat, plan.impact.lon, plan.azimuthDeg, alongKm);
    const predicted = destination(shifted.lat, shifted.lon, plan.azimuthDeg + 90, acrossKm);
    const impactMs = plan.launchMs + plan.seconds * 1000 + timeErr * sigma * 200; // ~0.2 s per km of σ

    const at = plan.launchMs + Math.round(offset * 1000);
    const time = formatInstant(at);
    const sensorRange = distanceKm(sensor.lat, sensor.lon, here.lat, here.lon) * 1000;
    const details: RawDetail[] = [
      {
        name: 'sensor',
        xml: `<sensor type="r-e" model="${esc(sensor.model)}" azimuth="${round(bearingDeg(sensor.lat, sensor.lon, here.lat, here.lon), 1)}" range="${Math.round(sensorRange)}" fov="120"/>`,
      },
      {
        name: '__sensor',
        xml: `<__sensor uid="${esc(sensor.uid)}" name="${esc(sensor.name)}" lat="${sensor.lat}" lon="${sensor.lon}" hae="${sensor.hae}" site="${esc(sensor.site)}"/>`,
      },
      {
        name: 'contact',
        xml: `<contact callsign="${esc(sensor.callsign)}" endpoint="${esc(sensor.endpoint)}"/>`,
      },
      {
        name: 'remarks',
        xml: `<remarks source="${esc(sensor.uid)}" time="${remarksTime}">${esc(preLaunch)}</remarks>`,
      },
      { name: 'link', xml: `<link uid="${esc(sensor.uid)}" type="a-f-G-E-S-R" relation="p-p"/>` },
      { name: 'precisionlocation', xml: '<precisionlocation geopointsrc="Radar" altsrc="Radar"/>' },
    ];
    let track: Track = {
      version: '2.0',
      uid,
      type: 'a-h-A-W-M-S-S',
      how: 'm-s',
      time,
      start: time,
      stale: formatInstant(at + 10_000),
      point: {
        lat: round(here.lat, 6),
        lon: round(here.lon, 6),
        hae: Math.round(here.hae),
        ce: Math.round(300 + 200 * left),
        le: Math.round(500 + 300 * left),
      },
      motion: {
        course: round(course, 2),
        speed: round(Math.hypot(ground, climb) / span, 1),
        slope: round(Math.atan2(climb, ground) / RAD, 2),
      },
      launch: {
        lat: round(launchEstimate.lat, 5),
        lon: round(launchEstimate.lon, 5),
        hae: 0,
        time: launchTime,
      },
      impact: {
        lat: round(predicted.lat, 5),
        lon: round(predicted.lon, 5),
        hae: 0,
        ce: Math.round(sigma * 1000 * 1.1774), // the radius holding half the estimates (circular normal)
        time: formatInstant(Math.round(impactMs)),
      },
      details,
    };
    track = label ? withLabel(track, label, feed) : { ...track, relto: { feed } };
    yield { offset, at, track, xml: serialiseCot(track) };
  }
}

/** All the updates of one flight (a lofted ICBM at 10/s is about 45,000 events: prefer flightUpdates). */
export function simulateLaunch(row: LaunchRow, options: SimulateOptions): SimulatedUpdate[] {
  return [...flightUpdates(row, options)];
}
