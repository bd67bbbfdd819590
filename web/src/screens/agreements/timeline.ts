import { type AgreementState, agreementStateOnDate } from '../../../../src/registry/lifecycle.js';
import type { Agreement } from '../../../../src/registry/schema.js';
import type { RegistryAgreement } from '../../components/officer-registry.js';

/** One step of an agreement's history: the event, and the state it left the agreement in. */
export interface TimelineStep {
  date: string;
  type: string;
  by?: string;
  note?: string;
  state: AgreementState;
  releasesAllowed: boolean;
}

/**
 * Each event of the agreement with the state after it, computed by the registry's own lifecycle (the rules
 * the node decides with), and, when a notice takes effect later, that date as a step of its own.
 */
export function timeline(agreement: RegistryAgreement): TimelineStep[] {
  const a = agreement as unknown as Agreement;
  const steps: TimelineStep[] = agreement.events.map((e) => {
    const s = agreementStateOnDate(a, e.date);
    return {
      date: e.date,
      type: e.type,
      ...(e.by ? { by: e.by } : {}),
      ...(e.note ? { note: e.note } : {}),
      state: s.state,
      releasesAllowed: s.releasesAllowed,
    };
  });
  const last = agreement.events.at(-1);
  if (last) {
    const s = agreementStateOnDate(a, last.date);
    if (s.state === 'termination-notified' && s.termEnds) {
      const after = agreementStateOnDate(a, s.termEnds);
      steps.push({
        date: s.termEnds,
        type: 'notice-takes-effect',
        state: after.state,
        releasesAllowed: false,
      });
    }
  }
  return steps;
}

/** The agreement's state today (in its own time zone's calendar, as the node decides). */
export function stateToday(agreement: RegistryAgreement, now = Date.now()): AgreementState {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: agreement.timeZone }).format(now);
  return agreementStateOnDate(agreement as unknown as Agreement, today).state;
}
