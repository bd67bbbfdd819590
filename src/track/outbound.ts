import type { Label } from '../label/index.js';
import { withFlowHop } from './flow.js';
import { withLabel } from './label.js';
import { stripForRelease } from './strip.js';
import type { Track } from './track.js';

/**
 * The track as it leaves node `self` for partners and clients alike: its label written on it (R31,
 * contracts §7), `self` on its flow (R32), and nothing but the allow-listed parts (R30). The same bytes
 * serve every recipient the rules permit, so a node serialises once per track.
 */
export function outboundTrack(t: Track, label: Label, self: string, feed?: string): Track {
  return stripForRelease(withFlowHop(withLabel(t, label, feed), self));
}
