/**
 * Calendar dates in an agreement's time zone (R20). Events take effect from 00:00 of their date in the
 * agreement's zone, so every date becomes an instant through the zone's offset on that day.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function civilAt(ms: number, timeZone: string): Civil {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of the zone from UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const c = civilAt(ms, timeZone);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD, refusing dates that do not exist (2023-02-30). */
export function parseDate(date: string): { year: number; month: number; day: number } | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return null;
  }
  return { year, month, day };
}

/** The instant of 00:00 on `date` in `timeZone`. */
export function startOfDate(date: string, timeZone: string): number {
  const d = parseDate(date);
  if (!d) throw new RangeError(`not a calendar date: ${date}`);
  const guess = Date.UTC(d.year, d.month - 1, d.day);
  let result = guess - offsetAt(guess, timeZone);
  // A second pass settles days where the offset changes (DST) between the guess and the answer.
  result = guess - offsetAt(result, timeZone);
  return result;
}

/** The calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function dateAt(ms: number, timeZone: string): string {
  const c = civilAt(ms, timeZone);
  return `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** Adds whole days to a calendar date. */
export function addDays(date: string, days: number): string {
  const d = parseDate(date)!;
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return t.toISOString().slice(0, 10);
}

/** Adds whole years; 29 February falls back to 28 February in common years. */
export function addYears(date: string, years: number): string {
  const d = parseDate(date)!;
  const year = d.year + years;
  let day = d.day;
  const last = new Date(Date.UTC(year, d.month, 0)).getUTCDate();
  if (day > last) day = last;
  return `${String(year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
