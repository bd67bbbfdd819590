import { ReltoError } from '../errors/index.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** How often a feed is polled, as a person writes it: `90s`, `15m`, `2h`, `1d`, or a number of seconds. */
export function durationSeconds(text: string, path = '/every'): number {
  const m = /^(\d{1,9})\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m)
    throw new ReltoError('MALFORMED_REQUEST', `not a duration: ${text} (write 90s, 15m, 2h or 1d)`, path);
  return Number(m[1]) * UNITS[m[2] ?? 's']!;
}
