import { addDays, addYears, dateAt, startOfDate } from './calendar.js';
import type { Agreement, AgreementEvent } from './schema.js';

/** R19: the states an agreement passes through. */
export type AgreementState =
  | 'not-in-force'
  | 'in-force'
  | 'termination-notified'
  | 'notice-suspended'
  | 'terminated';

/** The answer of `relto agreement state` (contracts §5). */
export interface AgreementStatus {
  id: string;
  state: AgreementState;
  termEnds: string | null;
  releasesAllowed: boolean;
  dispute: boolean;
}

/** R21: new releases are allowed while in force, termination notified (until it takes effect) and suspended. */
export function releasesAllowedIn(state: AgreementState): boolean {
  return state === 'in-force' || state === 'termination-notified' || state === 'notice-suspended';
}

/**
 * R20: the date a termination notice given on `noticeDate` takes effect. With a term, the first anniversary
 * of entry into force at least `noticeDays` after the notice; without one, `noticeDays` after the notice
 * (at once when null).
 */
export function noticeTakesEffect(agreement: Agreement, entryDate: string, noticeDate: string): string {
  const noticeDays = agreement.noticeDays ?? 0;
  const earliest = addDays(noticeDate, noticeDays);
  if (agreement.termYears === null) return earliest;
  for (let k = 1; ; k++) {
    const anniversary = addYears(entryDate, k * agreement.termYears);
    if (anniversary > noticeDate && earliest <= anniversary) return anniversary;
  }
}

/** The next anniversary of entry into force strictly after `date` (the day a term renews). */
function nextAnniversary(agreement: Agreement, entryDate: string, date: string): string | null {
  if (agreement.termYears === null) return null;
  for (let k = 1; ; k++) {
    const anniversary = addYears(entryDate, k * agreement.termYears);
    if (anniversary > date) return anniversary;
  }
}

interface Replay {
  state: AgreementState;
  entryDate: string | null;
  noticeEffective: string | null;
  terminatedOn: string | null;
  dispute: boolean;
}

/**
 * Replays the events that have taken effect by the calendar date `date` (in the agreement's zone).
 * Assumes a valid event sequence (the registry validator refuses others) but never throws on one.
 */
function replay(agreement: Agreement, date: string): Replay {
  const r: Replay = {
    state: 'not-in-force',
    entryDate: null,
    noticeEffective: null,
    terminatedOn: null,
    dispute: false,
  };
  const settleNotice = (upTo: string) => {
    if (r.state === 'termination-notified' && r.noticeEffective !== null && r.noticeEffective <= upTo) {
      r.state = 'terminated';
      r.terminatedOn = r.noticeEffective;
    }
  };
  for (const ev of agreement.events) {
    if (ev.date > date) break;
    settleNotice(ev.date);
    apply(agreement, r, ev);
  }
  settleNotice(date);
  return r;
}

function apply(agreement: Agreement, r: Replay, ev: AgreementEvent): void {
  switch (ev.type) {
    case 'entry-into-force':
      r.state = 'in-force';
      r.entryDate = ev.date;
      break;
    case 'termination-notice':
      r.state = 'termination-notified';
      r.noticeEffective = noticeTakesEffect(agreement, r.entryDate ?? ev.date, ev.date);
      break;
    case 'notice-suspended':
      r.state = 'notice-suspended';
      break;
    case 'notice-withdrawn':
      r.state = 'in-force';
      r.noticeEffective = null;
      break;
    case 'terminated':
      r.state = 'terminated';
      r.terminatedOn = ev.date;
      break;
    case 'dispute-opened':
      r.dispute = true;
      break;
    case 'dispute-closed':
      r.dispute = false;
      break;
  }
}

/** R19–R21: an agreement's state on a calendar date of its own zone. */
export function agreementStateOnDate(agreement: Agreement, date: string): AgreementStatus {
  const r = replay(agreement, date);
  let termEnds: string | null = null;
  if (r.state === 'termination-notified') termEnds = r.noticeEffective;
  else if (r.state === 'terminated') termEnds = r.terminatedOn;
  else if ((r.state === 'in-force' || r.state === 'notice-suspended') && r.entryDate !== null) {
    termEnds = nextAnniversary(agreement, r.entryDate, date);
  }
  return {
    id: agreement.id,
    state: r.state,
    termEnds,
    releasesAllowed: releasesAllowedIn(r.state),
    dispute: r.dispute,
  };
}

/** R19–R21: an agreement's state at an instant (epoch ms), read in the agreement's time zone. */
export function agreementStateAt(agreement: Agreement, atMs: number): AgreementStatus {
  return agreementStateOnDate(agreement, dateAt(atMs, agreement.timeZone));
}

/** One stretch of time with a constant state, from `from` (inclusive, epoch ms). */
export interface StateInterval {
  from: number;
  state: AgreementState;
  releasesAllowed: boolean;
  dispute: boolean;
}

/**
 * Every change of state as instants, so a decision finds the state with a binary search instead of
 * replaying events and formatting dates per request. Boundaries are the event dates and the dates
 * notices take effect, each at 00:00 in the agreement's zone.
 */
export function stateIntervals(agreement: Agreement): StateInterval[] {
  const dates = new Set<string>();
  let entry: string | null = null;
  for (const ev of agreement.events) {
    dates.add(ev.date);
    if (ev.type === 'entry-into-force') entry = ev.date;
    if (ev.type === 'termination-notice') dates.add(noticeTakesEffect(agreement, entry ?? ev.date, ev.date));
  }
  const intervals: StateInterval[] = [
    { from: Number.NEGATIVE_INFINITY, state: 'not-in-force', releasesAllowed: false, dispute: false },
  ];
  for (const date of [...dates].sort()) {
    const s = agreementStateOnDate(agreement, date);
    const last = intervals[intervals.length - 1];
    if (last.state === s.state && last.dispute === s.dispute) continue;
    intervals.push({
      from: startOfDate(date, agreement.timeZone),
      state: s.state,
      releasesAllowed: s.releasesAllowed,
      dispute: s.dispute,
    });
  }
  return intervals;
}

/** The interval holding `atMs` (intervals sorted by `from`). */
export function intervalAt(intervals: StateInterval[], atMs: number): StateInterval {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (intervals[mid].from <= atMs) lo = mid;
    else hi = mid - 1;
  }
  return intervals[lo];
}
