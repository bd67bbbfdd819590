import { type Equivalent, type Label, type NotCovered, receiverEquivalent } from '../label/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import {
  alternativeMarking,
  isAlternativeMarking,
  isReltoMarking,
  type LabelMarking,
  labelMarkingId,
  markingToLabel,
} from '../stix/index.js';

/**
 * The receiver-equivalent label (R6, contracts §6) a receiving node creates beside a received item: its own
 * marking-definition naming the originator's marking, the receiver's equivalent level and the agreement.
 * The originator's objects and markings are never edited.
 */
export type AlternativeResult =
  | {
      ok: true;
      /** The receiver's marking-definition; null when none is needed (the receiver's own item). */
      marking: LabelMarking | null;
      equivalent: Equivalent;
    }
  | { ok: false; reason: NotCovered['reason']; message: string; agreement: string | null };

/**
 * The alternative label for an originator's label received under `under` (the message's agreement; a
 * relay's id for a relayed item, whose level comes from the hub–receiver leg).
 */
export function receiverAlternative(
  reg: CompiledRegistry,
  label: Label,
  receiver: string,
  under?: string | null,
): AlternativeResult {
  const eq = receiverEquivalent(reg, label, receiver, under ?? undefined);
  if (!eq.covered) return { ok: false, reason: eq.reason, message: eq.message, agreement: eq.agreement };
  if (eq.own) return { ok: true, marking: null, equivalent: eq };
  const agreement = eq.agreement ?? under ?? null;
  // R33: an unclassified item received outside any agreement has nothing to name; it needs no alternative.
  if (agreement === null) return { ok: true, marking: null, equivalent: eq };
  const marking = alternativeMarking({
    alternativeOf: labelMarkingId(label),
    party: receiver,
    classification: eq.level,
    agreement,
  });
  return { ok: true, marking, equivalent: eq };
}

/** One result per originator label marking found among received objects. */
export interface MarkingAlternative {
  /** The originator's marking-definition id. */
  markingId: string;
  result: AlternativeResult | { ok: false; reason: 'INVALID_LABEL'; message: string; agreement: null };
}

/**
 * The alternatives for every relto label marking-definition among received objects (alternatives other
 * nodes made are skipped: a receiver makes its own). A marking that does not parse is reported, not thrown.
 */
export function alternativesFor(
  reg: CompiledRegistry,
  receiver: string,
  under: string | null | undefined,
  objects: readonly unknown[],
): MarkingAlternative[] {
  const out: MarkingAlternative[] = [];
  for (const o of objects) {
    if (!isReltoMarking(o) || isAlternativeMarking(o)) continue;
    const markingId = String((o as { id?: unknown }).id);
    let label: Label;
    try {
      label = markingToLabel(o);
    } catch (e) {
      out.push({
        markingId,
        result: { ok: false, reason: 'INVALID_LABEL', message: (e as Error).message, agreement: null },
      });
      continue;
    }
    out.push({ markingId, result: receiverAlternative(reg, label, receiver, under) });
  }
  return out;
}
