import type { CompiledAgreement, CompiledRegistry } from '../registry/index.js';
import { covers, equivalentLevel } from '../registry/index.js';
import type { Label } from './schema.js';

/** The receiver's corresponding classification of a foreign item (R6, GSOMIA Art. 4(2)). */
export interface Equivalent {
  covered: true;
  originator: string;
  originalLevel: string;
  /** The receiver. */
  party: string;
  /** The receiver's level: the first it lists in the item's tier (§2); its rank 0 for unclassified items. */
  level: string;
  /** The agreement the item is held under (a relay's id when relayed); null for own or unclassified items. */
  agreement: string | null;
  /** The bilateral agreement whose table gave the level (a relay's leg; else `agreement`). */
  leg: string | null;
  /** The item is the receiver's own: no equivalence, its own level. */
  own: boolean;
}

/** Why there is no corresponding classification; the codes are the reason codes of contracts §4. */
export interface NotCovered {
  covered: false;
  originator: string;
  originalLevel: string;
  party: string;
  reason: 'UNKNOWN_PARTY' | 'UNKNOWN_LEVEL' | 'UNKNOWN_AGREEMENT' | 'NO_AGREEMENT' | 'LEVEL_NOT_COVERED';
  agreement: string | null;
  message: string;
}

export type EquivalentResult = Equivalent | NotCovered;

/**
 * The receiver-equivalent classification of a label (R6) as `decide()` computes it for the mark
 * obligation (§4): under `agreementId`, else the bilateral agreement of originator and receiver; under a
 * relay, the hub–receiver leg (the originator–hub leg for the hub itself), and the relay must carry the
 * tier. An item at rank 0 takes the receiver's rank-0 level with no agreement (R33). The agreement's state
 * on any date is not looked at: marks apply to what was received whatever happens to the agreement later
 * (R22), and whether a release may happen now is `decide()`'s business. Topics and scope likewise.
 */
export function receiverEquivalent(
  reg: CompiledRegistry,
  label: Label,
  receiver: string,
  agreementId?: string,
): EquivalentResult {
  const base = { originator: label.originator, originalLevel: label.classification, party: receiver };
  const notCovered = (
    reason: NotCovered['reason'],
    message: string,
    agreement: string | null = null,
  ): NotCovered => ({
    covered: false,
    ...base,
    reason,
    agreement,
    message,
  });
  const origin = reg.parties.get(label.originator);
  const reader = reg.parties.get(receiver);
  if (!origin) return notCovered('UNKNOWN_PARTY', `unknown originator ${label.originator}`);
  if (!reader) return notCovered('UNKNOWN_PARTY', `unknown receiver ${receiver}`);
  const level = origin.levels.get(label.classification);
  if (!level)
    return notCovered('UNKNOWN_LEVEL', `${label.classification} is not a level of ${label.originator}`);
  if (label.originator === receiver) {
    return { covered: true, ...base, level: level.id, agreement: null, leg: null, own: true };
  }
  const via: CompiledAgreement | undefined =
    agreementId === undefined ? reg.bilateral(label.originator, receiver) : reg.agreements.get(agreementId);
  if (agreementId !== undefined && !via) {
    return notCovered('UNKNOWN_AGREEMENT', `no agreement ${agreementId} in the registry`);
  }
  if (via && !via.parties.has(receiver)) {
    return notCovered('NO_AGREEMENT', `${receiver} is not a party to ${via.id}`, via.id);
  }
  // R33: unclassified needs no agreement; it is marked with the receiver's rank 0.
  if (level.rank === 0) {
    return {
      covered: true,
      ...base,
      level: reader.unclassified.id,
      agreement: via?.id ?? null,
      leg: null,
      own: false,
    };
  }
  if (!via) return notCovered('NO_AGREEMENT', `no agreement between ${label.originator} and ${receiver}`);

  const designations = label.restrictive?.Designation ?? [];
  const tier = reg.tierOf(label.originator, level.id, designations);
  let leg: CompiledAgreement | undefined = via;
  if (via.kind === 'relay') {
    // R24: each leg of a relay is protected under its own bilateral agreement.
    const hub = via.hub!;
    leg = receiver === hub ? reg.bilateral(label.originator, hub) : reg.bilateral(hub, receiver);
    if (!leg) return notCovered('NO_AGREEMENT', `no bilateral leg for ${receiver} under ${via.id}`, via.id);
    if (tier === undefined || !via.rows.has(tier)) {
      return notCovered('LEVEL_NOT_COVERED', `${via.id} does not carry the item's tier`, via.id);
    }
  }
  // R2, R3: a level (or designation) the table does not list is never released under the agreement.
  const eq = covers(leg, tier, label.originator, level.id, designations)
    ? equivalentLevel(leg, tier!, receiver)
    : undefined;
  if (eq === undefined) {
    return notCovered(
      'LEVEL_NOT_COVERED',
      `${leg.id} does not cover ${label.originator} ${level.id}${designations.length ? ` (${designations.join(', ')})` : ''}`,
      via.id,
    );
  }
  return { covered: true, ...base, level: eq, agreement: via.id, leg: leg.id, own: false };
}
