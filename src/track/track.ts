/**
 * A Cursor on Target event as relto handles it: the parts the rules read or keep are typed, everything
 * else a sensor sent is kept as raw XML so the node can still show it locally and stripping (R30) can drop
 * it by allow-list.
 *
 * How the missile-warning parts ride in CoT (relto's own detail elements; TAK clients ignore unknown
 * detail children):
 * - `<track course="…" speed="…" slope="…"/>`: TAK's motion element (degrees from true north, m/s,
 *   degrees above the horizon).
 * - `<__launch lat="…" lon="…" hae="…" time="…"/>`: the estimated launch point and launch time.
 * - `<__impact lat="…" lon="…" hae="…" ce="…" time="…"/>`: the predicted impact point, its error radius
 *   in metres (`ce`) and the predicted impact time.
 * - the label (contracts §7): `access="KOR:II" releasableTo="KOR JPN USA" caveat="ORCON"` on `<event>` and
 *   `<__relto feed="KOR-MW-1" topics="DPRK-MISSILE" compartments="…" designations="…" restrictive="…"
 *   informative="…" purpose="…" flow="KOR USA"/>` in `<detail>`; `restrictive` and `informative` hold
 *   the other categories as space-separated `Category:value` tokens (each part percent-encoded), and
 *   `flow` the parties whose nodes have carried the event, in order (R32).
 */

/** The CoT `<point>`: WGS 84 degrees, height above the ellipsoid and its circular/linear errors (m). */
export interface CotPoint {
  lat: number;
  lon: number;
  hae: number;
  ce: number;
  le: number;
}

/** TAK's `<track>`: course (degrees true), speed (m/s), slope (degrees above the horizon). */
export interface Motion {
  course?: number;
  speed?: number;
  slope?: number;
}

/** The estimated launch point and time (`<__launch>`). */
export interface LaunchPoint {
  lat: number;
  lon: number;
  hae?: number;
  time?: string;
}

/** The predicted impact point, its error radius in metres and the predicted impact time (`<__impact>`). */
export interface ImpactPoint {
  lat: number;
  lon: number;
  hae?: number;
  ce?: number;
  time?: string;
}

/** relto's `<__relto>` detail: the part of the label that does not ride on `<event>`, and the flow. */
export interface ReltoDetail {
  feed?: string;
  topics?: string[];
  /** restrictive `Compartment` values (need-to-know). */
  compartments?: string[];
  /** restrictive `Designation` values (R13). */
  designations?: string[];
  /** Other restrictive categories. */
  restrictive?: Record<string, string[]>;
  informative?: Record<string, string[]>;
  purpose?: string;
  /** R32: the parties whose nodes have carried this event, first the originating node. */
  flow?: string[];
}

/** A detail child relto does not model, kept byte for byte as the sensor sent it (never leaves the node). */
export interface RawDetail {
  name: string;
  xml: string;
}

/** One CoT event. Times are kept as written (validated RFC 3339 instants). */
export interface Track {
  version: string;
  uid: string;
  type: string;
  how?: string;
  time: string;
  start: string;
  stale: string;
  point: CotPoint;
  /** Label on the event (contracts §7): `originator:level`. */
  access?: string;
  releasableTo?: string[];
  caveats?: string[];
  motion?: Motion;
  launch?: LaunchPoint;
  impact?: ImpactPoint;
  relto?: ReltoDetail;
  /** Other `<event>` attributes (qos, opex, …) as [name, value], in order. */
  attributes?: [string, string][];
  /** Other `<detail>` children, in order. */
  details?: RawDetail[];
  /** Other children of `<event>` besides point and detail (non-standard), raw. */
  extra?: string[];
}

/** TAK's ping and its answer. */
export const PING_TYPE = 't-x-c-t';
export const PONG_TYPE = 't-x-c-t-r';
