import { ReltoError } from '../errors/index.js';

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;

function parts(stamp: string, what: string): [string, string] {
  const m = STAMP.exec(stamp);
  if (!m || Number.isNaN(Date.parse(`${m[1]}Z`))) {
    throw new ReltoError('MALFORMED_REQUEST', `${what} is not a UTC timestamp: ${stamp}`);
  }
  return [m[1]!, m[2] ?? ''];
}

/** A STIX timestamp with exactly 9 fractional digits, so versions compare correctly as strings. */
export function normaliseStamp(stamp: string, what = 'a timestamp'): string {
  const [base, frac] = parts(stamp, what);
  return `${base}.${frac.padEnd(9, '0').slice(0, 9)}Z`;
}

/** Microseconds since the epoch of a STIX/TAXII timestamp (finer digits are dropped). */
export function stampToMicros(stamp: string, what = 'a timestamp'): number {
  const [base, frac] = parts(stamp, what);
  return Date.parse(`${base}Z`) * 1000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

/** The ISO 8601 form of a microsecond instant, with 6 fractional digits (TAXII date_added). */
export function microsToStamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}.${String(micros - Math.floor(micros / 1e6) * 1e6).padStart(6, '0')}Z`;
}

/** Opaque TAXII cursor for a date_added key. */
export function encodeCursor(added: number): string {
  return Buffer.from(`a${added}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^a(\d{1,17})$/.exec(text);
  if (!m) throw new ReltoError('MALFORMED_REQUEST', 'the paging cursor is not one this server gave', '/next');
  return Number(m[1]);
}
