import { instant } from './decide.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * RFC 3339 date-time, checked with one regular expression and the engine's own instant reader (which
 * refuses impossible fields): the request's only format, on the hot path of `policy check --batch`.
 */
export function isDateTime(value: string): boolean {
  if (!RFC3339.test(value)) return false;
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (
    Number(value.slice(11, 13)) > 23 ||
    Number(value.slice(14, 16)) > 59 ||
    Number(value.slice(17, 19)) > 60
  ) {
    return false;
  }
  // Day 31 of a 30-day month and 29 February of a common year roll over in Date: refuse them.
  const probe = new Date(Date.UTC(Number(value.slice(0, 4)), month - 1, day));
  return probe.getUTCDate() === day && !Number.isNaN(instant(value));
}

/** The formats the generated request validator calls (request-validator.generated.ts). */
export const formats = { 'date-time': { validate: isDateTime } };
