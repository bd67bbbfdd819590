import { Cron } from 'croner';

/** When a subscriber's brief is due: a time of day in their own time zone (contracts §11). */

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isTimeOfDay(time: string): boolean {
  return TIME.test(time);
}

/** An IANA zone name the runtime knows (what Intl, and so the schedule, can compute with). */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date, YYYY-MM-DD, that exists. */
export function isLocalDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) at `at` in `zone`. */
export function localDate(at: Date, zone: string): string {
  let f = dateFormats.get(zone);
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(zone, f);
  }
  return f.format(at);
}

const crons = new Map<string, Cron>();

function dailyAt(time: string, zone: string): Cron {
  const key = `${time} ${zone}`;
  let c = crons.get(key);
  if (!c) {
    const [h, m] = time.split(':');
    // A paused job only computes times; croner keeps DST right (a time that a spring-forward skips runs at the
    // first instant after the gap).
    c = new Cron(`${Number(m)} ${Number(h)} * * *`, { timezone: zone, paused: true });
    crons.set(key, c);
  }
  return c;
}

/** The first instant strictly after `after` at which it is `time` in `zone`. */
export function nextSendAt(time: string, zone: string, after: Date): Date {
  const next = dailyAt(time, zone).nextRun(after);
  if (!next) throw new Error(`no next ${time} in ${zone}`);
  return next;
}
