import type { Track } from './track.js';

/**
 * R30: what a missile-warning track keeps when it leaves its node — the event (uid, type, how, times),
 * the point, the motion (course, speed, slope), the estimated launch point, the predicted impact point and
 * times, and the relto label. Built by allow-list: anything else (sensor identity and location, pre-launch
 * remarks, contacts, links to sensors, TAK flow tags, unknown detail children or event attributes) is
 * simply not copied, including whatever a later sensor firmware invents.
 */
export function stripForRelease(t: Track): Track {
  const out: Track = {
    version: t.version,
    uid: t.uid,
    type: t.type,
    time: t.time,
    start: t.start,
    stale: t.stale,
    point: { lat: t.point.lat, lon: t.point.lon, hae: t.point.hae, ce: t.point.ce, le: t.point.le },
  };
  if (t.how !== undefined) out.how = t.how;
  if (t.access !== undefined) out.access = t.access;
  if (t.releasableTo) out.releasableTo = [...t.releasableTo];
  if (t.caveats) out.caveats = [...t.caveats];
  const m = t.motion;
  if (m) {
    out.motion = {};
    if (m.course !== undefined) out.motion.course = m.course;
    if (m.speed !== undefined) out.motion.speed = m.speed;
    if (m.slope !== undefined) out.motion.slope = m.slope;
  }
  const l = t.launch;
  if (l) {
    out.launch = { lat: l.lat, lon: l.lon };
    if (l.hae !== undefined) out.launch.hae = l.hae;
    if (l.time !== undefined) out.launch.time = l.time;
  }
  const i = t.impact;
  if (i) {
    out.impact = { lat: i.lat, lon: i.lon };
    if (i.hae !== undefined) out.impact.hae = i.hae;
    if (i.ce !== undefined) out.impact.ce = i.ce;
    if (i.time !== undefined) out.impact.time = i.time;
  }
  const r = t.relto;
  if (r) {
    out.relto = {};
    if (r.feed !== undefined) out.relto.feed = r.feed;
    if (r.topics) out.relto.topics = [...r.topics];
    if (r.compartments) out.relto.compartments = [...r.compartments];
    if (r.designations) out.relto.designations = [...r.designations];
    if (r.restrictive) out.relto.restrictive = copyCategories(r.restrictive);
    if (r.informative) out.relto.informative = copyCategories(r.informative);
    if (r.purpose !== undefined) out.relto.purpose = r.purpose;
    if (r.flow) out.relto.flow = [...r.flow];
  }
  return out;
}

function copyCategories(c: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of Object.keys(c)) out[k] = [...c[k]];
  return out;
}

/**
 * R30, R29: the names of what stripForRelease drops from `t`, for the audit: event attributes as `@name`,
 * detail children by element name, other event children as `event/name`.
 */
export function strippedParts(t: Track): string[] {
  const out: string[] = [];
  if (t.attributes) for (const [name] of t.attributes) out.push(`@${name}`);
  if (t.details) for (const d of t.details) out.push(d.name);
  if (t.extra) for (const x of t.extra) out.push(`event/${/^<\s*([^\s/>]+)/.exec(x)?.[1] ?? '?'}`);
  return out;
}

/** Whether strippedParts(t) equals `parts`; once per track, so detail names are compared in place. */
export function sameStrippedParts(t: Track, parts: readonly string[]): boolean {
  if (t.attributes?.length || t.extra?.length) {
    const own = strippedParts(t);
    return own.length === parts.length && own.every((p, i) => p === parts[i]);
  }
  const details = t.details ?? [];
  if (details.length !== parts.length) return false;
  for (let i = 0; i < details.length; i++) if (details[i]!.name !== parts[i]) return false;
  return true;
}
