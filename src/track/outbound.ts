import type { Label } from '../label/index.js';
import { writeLabel } from './label.js';
import { stripForRelease } from './strip.js';
import type { Track } from './track.js';

/**
 * The track as it leaves node `self` for partners and clients alike: nothing but the allow-listed parts
 * (R30), its label written on it (R31, contracts §7) and `self` on its flow (R32). The same bytes serve
 * every recipient the rules permit, so a node serialises once per track. One copy: the stripped track
 * is labelled in place.
 */
export function outboundTrack(t: Track, label: Label, self: string, feed?: string): Track {
  const out = stripForRelease(t);
  const flow = t.relto?.flow ?? [];
  writeLabel(out, label, feed ?? t.relto?.feed, flow[flow.length - 1] === self ? flow : [...flow, self]);
  return out;
}
