/**
 * "What the partner will see", before anyone approves a release: the same core the nodes run, over the labels
 * of what this reader is shown. The release itself is decided as the holder's node will decide it (R14–R18,
 * R21, R24) from the labels alone — consents the node holds for the item are added by the node when an
 * officer approves, so a consent-required answer here may yet turn to a permit. Each paragraph is then decided
 * as the partner's node will decide a read by its own cleared reader (R10–R13), and the banner is rendered
 * over the paragraphs the partner may read, in the partner's language and scheme (R6, R7).
 */
import type { Label } from '../../../../src/label/index.js';
import { partyLang } from '../../../../src/label/lang.js';
import { decide } from '../../../../src/policy/decide.js';
import { nodePrincipal } from '../../../../src/policy/node-principal.js';
import type { Answer, Principal } from '../../../../src/policy/schema.js';
import {
  type CompiledRegistry,
  type ComputedBanner,
  computeBanner,
  type ServedPortion,
} from '../../components/label-core.js';

export interface PreviewInput {
  /** This node's party (the holder that would release). */
  holder: string;
  partner: string;
  /** The agreement chosen; default the two parties' bilateral one. */
  under?: string;
  at: string;
  /** The item's floor label. */
  floor: Label;
  /** The portions as this reader is shown them. */
  portions: readonly ServedPortion[];
  /**
   * Consents of the originator this node is known to hold for the item (R15: one granted to a request of
   * this node's), joined to every label of the item as the node joins its held consents.
   */
  consents?: Label['consents'];
}

export interface PortionPreview {
  index: number;
  /** shown: the partner may read it; withheld: it may not (with the reasons); unknown: withheld from you. */
  state: 'shown' | 'withheld' | 'unknown';
  reasons: Answer['reasons'];
}

export interface ReleasePreview {
  release: Answer;
  /** Whether the partner's readers see the report at all (its floor). */
  floor: Answer;
  portions: PortionPreview[];
  /** The banner the partner's readers get, in the partner's language; absent when they see nothing. */
  banner?: ComputedBanner;
  bannerError?: string;
  lang: 'ko' | 'ja' | 'en';
}

/**
 * A node acting for its party (as src/node/decider.ts's nodePrincipal): cleared at its scheme's top, holding
 * the label's need-to-know and those designations that are its own party's, so only the agreements, Releasable
 * To and caveats decide.
 */
function principalFor(
  reg: CompiledRegistry,
  party: string,
  label: Label,
  roles: Principal['roles'],
): Principal {
  const { Designation, ...restrictive } = label.restrictive ?? {};
  return {
    ...nodePrincipal(reg, party, roles),
    designations: (Designation ?? []).filter((d) => reg.designationOwner.get(d) === party),
    restrictive,
    contractor: false,
  };
}

export function previewRelease(reg: CompiledRegistry, input: PreviewInput): ReleasePreview {
  const { holder, partner, at } = input;
  const withConsents = (label: Label): Label =>
    input.consents?.length ? { ...label, consents: [...(label.consents ?? []), ...input.consents] } : label;
  const floor = withConsents(input.floor);
  const under = input.under || undefined;
  const release = decide(reg, {
    at,
    principal: principalFor(reg, holder, floor, ['releasing-officer']),
    action: 'release',
    item: { label: floor, holder },
    release: { to: partner, ...(under ? { under } : {}) },
  });
  // The partner's node marks what it receives under the agreement of the transfer.
  const receivedUnder = under ?? reg.bilateral(holder, partner)?.id;
  const readByPartner = (label: Label) =>
    decide(reg, {
      at,
      principal: principalFor(reg, partner, label, ['analyst']),
      action: 'read',
      item: { label, holder: partner, ...(receivedUnder ? { receivedUnder } : {}) },
    });
  const floorAnswer = readByPartner(floor);
  const portions: PortionPreview[] = input.portions.map((p) => {
    if (p.withheld || !p.label) return { index: p.index, state: 'unknown', reasons: [] };
    const a = readByPartner(withConsents(p.label));
    return { index: p.index, state: a.decision === 'permit' ? 'shown' : 'withheld', reasons: a.reasons };
  });
  const lang = partyLang(partner);
  const out: ReleasePreview = { release, floor: floorAnswer, portions, lang };
  if (floorAnswer.decision === 'permit') {
    const shown = input.portions
      .filter((p, i) => portions[i]!.state === 'shown' && p.label)
      .map((p) => p.label!);
    const agreements = receivedUnder ? { [floor.originator]: receivedUnder } : undefined;
    try {
      out.banner = computeBanner(reg, [input.floor, ...shown], partner, lang, agreements);
    } catch (e) {
      out.bannerError = e instanceof Error ? e.message : String(e);
    }
  }
  return out;
}
