import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instant } from './decide.js';

describe('instants in requests are read exactly as Date.parse reads them', () => {
  it('agrees with Date.parse on generated RFC 3339 instants (Z, offsets, fractions)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2200-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (date, offsetMinutes, fraction) => {
          const iso = date.toISOString();
          expect(instant(iso)).toBe(Date.parse(iso));
          const plain = fraction ? iso : `${iso.slice(0, 19)}Z`;
          expect(instant(plain)).toBe(Date.parse(plain));
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes >= 0 ? '+' : '-';
          const abs = Math.abs(offsetMinutes);
          const withOffset = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(instant(withOffset)).toBe(Date.parse(withOffset));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('falls back to Date.parse on other forms', () => {
    expect(instant('2024-05-01T00:00:00.123456789Z')).toBe(Date.parse('2024-05-01T00:00:00.123Z'));
    expect(Number.isNaN(instant('not a date'))).toBe(true);
  });
});

describe('request instants are validated as RFC 3339 date-times', () => {
  it('accepts what Date.parse reads as RFC 3339 and refuses impossible dates', async () => {
    const { isDateTime } = await import('./validate.js');
    expect(isDateTime('2024-05-01T00:00:00Z')).toBe(true);
    expect(isDateTime('2024-05-01T09:00:00.123+09:00')).toBe(true);
    expect(isDateTime('2024-02-29T00:00:00Z')).toBe(true);
    expect(isDateTime('2023-02-29T00:00:00Z')).toBe(false);
    expect(isDateTime('2024-04-31T00:00:00Z')).toBe(false);
    expect(isDateTime('2024-13-01T00:00:00Z')).toBe(false);
    expect(isDateTime('2024-05-01T24:00:00Z')).toBe(false);
    expect(isDateTime('2024-05-01 00:00:00Z')).toBe(false);
    expect(isDateTime('2024-05-01T00:00:00')).toBe(false);
    expect(isDateTime('yesterday')).toBe(false);
  });
});
