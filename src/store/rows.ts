import { type RawBuilder, sql } from 'kysely';
import { ReltoError } from '../errors/index.js';

/** What the table groups share to turn values into columns and back, and to stay under the engines' limits. */

// SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535: stay under both.
const MAX_PARAMS = 30_000;

export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Rows a statement may carry with `columns` bound parameters a row. */
export function chunkFor(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMS / columns));
}

export function isoInstant(text: string, path: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new ReltoError('MALFORMED_REQUEST', `not an instant: ${text}`, path);
  return new Date(ms).toISOString();
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}

export function parse<T>(text: string | null): T {
  return JSON.parse(text ?? 'null') as T;
}

export function toBytes(value: Uint8Array): Uint8Array {
  // pg and better-sqlite3 both return Buffers; callers get plain Uint8Array views of them.
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

export function inList(col: string, values: readonly (string | number)[]): RawBuilder<unknown> {
  return sql`${sql.ref(col)} IN (${sql.join(values.map((v) => sql`${v}`))})`;
}
