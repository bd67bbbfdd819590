import type { Caveat, Label } from '../label/index.js';
import { cotRefusal } from './cot.js';
import type { ReltoDetail, Track } from './track.js';

/** Default labels per sensor feed id (contracts §7: an event without a label takes its feed's). */
export type FeedDefaults = ReadonlyMap<string, Label>;

export interface TrackLabelOptions {
  /** The feed the event came in on (the sensor input's configuration), when `<__relto feed>` is absent. */
  feed?: string;
  /** Feed defaults; leave out for events from partners, which must carry their label. */
  defaults?: FeedDefaults;
}

const CAVEATS: ReadonlySet<string> = new Set<Caveat>(['ORCON', 'NOFORN']);

/** The feed id of a track: `<__relto feed>`, else the input's. */
export function trackFeed(t: Track, inputFeed?: string): string | undefined {
  return t.relto?.feed ?? inputFeed;
}

/**
 * The label of a track (R31, contracts §7): `access`, `releasableTo` and `caveat` on the event plus the
 * rest from `<__relto>`; an event without `access` takes its feed's default label. Throws ReltoError
 * INVALID_COT (reason `unlabelled` or `bad-label`): a track is never handled unlabelled.
 */
export function trackLabel(t: Track, options: TrackLabelOptions = {}): Label {
  if (t.access === undefined) {
    // A partial label (Releasable To or a caveat without the level) is refused rather than completed:
    // completing it from the default could widen or narrow what the sensor meant.
    if (t.releasableTo !== undefined || t.caveats !== undefined) {
      throw cotRefusal('bad-label', 'releasableTo or caveat without access', '/event/@access');
    }
    const feed = trackFeed(t, options.feed);
    const fallback = feed === undefined ? undefined : options.defaults?.get(feed);
    if (!fallback) {
      throw cotRefusal(
        'unlabelled',
        `no label and no default for feed ${feed ?? '(none)'}`,
        '/event/@access',
      );
    }
    return fallback;
  }
  const colon = t.access.indexOf(':');
  if (colon <= 0 || colon === t.access.length - 1 || t.access.indexOf(':', colon + 1) >= 0) {
    throw cotRefusal('bad-label', `access ${JSON.stringify(t.access)} is not PARTY:LEVEL`, '/event/@access');
  }
  const label: Label = { originator: t.access.slice(0, colon), classification: t.access.slice(colon + 1) };
  if (t.releasableTo && t.releasableTo.length > 0) label.releasableTo = t.releasableTo;
  if (t.caveats && t.caveats.length > 0) {
    for (const c of t.caveats) {
      if (!CAVEATS.has(c))
        throw cotRefusal('bad-label', `caveat ${c} is not ORCON or NOFORN`, '/event/@caveat');
    }
    label.caveats = t.caveats as Caveat[];
  }
  const r = t.relto;
  if (r) {
    if (r.topics && r.topics.length > 0) label.topics = r.topics;
    const restrictive: Record<string, string[]> = { ...r.restrictive };
    if (r.compartments && r.compartments.length > 0) restrictive.Compartment = r.compartments;
    if (r.designations && r.designations.length > 0) restrictive.Designation = r.designations;
    if (Object.keys(restrictive).length > 0) label.restrictive = restrictive;
    if (r.informative && Object.keys(r.informative).length > 0) label.informative = r.informative;
    if (r.purpose !== undefined) label.purpose = r.purpose;
  }
  return label;
}

/**
 * The track with `label` written on it (contracts §7) as a node forwards it: the event attributes and a
 * `<__relto>` with the feed and the rest of the label, keeping the flow. Consents are not written: a
 * standing consent lives with the relaying node (R24), other consents travel as signed records (§9).
 */
export function withLabel(t: Track, label: Label, feed: string | undefined): Track {
  const out: Track = { ...t };
  writeLabel(out, label, feed ?? t.relto?.feed, t.relto?.flow);
  return out;
}

/**
 * Writes `label` on `out` in place: `access`, `releasableTo` and `caveat`, and a fresh `<__relto>` with
 * `feed`, the rest of the label and `flow` (arrays copied: the track never shares the label's).
 */
export function writeLabel(
  out: Track,
  label: Label,
  feed: string | undefined,
  flow: readonly string[] | undefined,
): void {
  out.access = `${label.originator}:${label.classification}`;
  if (label.releasableTo && label.releasableTo.length > 0) out.releasableTo = [...label.releasableTo];
  else delete out.releasableTo;
  if (label.caveats && label.caveats.length > 0) out.caveats = [...label.caveats];
  else delete out.caveats;
  const relto: ReltoDetail = {};
  if (feed !== undefined) relto.feed = feed;
  if (label.topics && label.topics.length > 0) relto.topics = [...label.topics];
  const restrictive = label.restrictive;
  if (restrictive) {
    const other: Record<string, string[]> = {};
    let others = 0;
    for (const category of Object.keys(restrictive)) {
      const values = restrictive[category];
      if (values.length === 0) continue;
      if (category === 'Compartment') relto.compartments = [...values];
      else if (category === 'Designation') relto.designations = [...values];
      else {
        other[category] = [...values];
        others++;
      }
    }
    if (others > 0) relto.restrictive = other;
  }
  if (label.informative) {
    const info: Record<string, string[]> = {};
    let infos = 0;
    for (const category of Object.keys(label.informative)) {
      const values = label.informative[category];
      if (values.length === 0) continue;
      info[category] = [...values];
      infos++;
    }
    if (infos > 0) relto.informative = info;
  }
  if (label.purpose !== undefined) relto.purpose = label.purpose;
  if (flow) relto.flow = [...flow];
  out.relto = relto;
}
