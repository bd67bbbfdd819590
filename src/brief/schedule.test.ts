import { describe, expect, it } from 'vitest';
import { isLocalDate, isTimeOfDay, isTimeZone, localDate, nextSendAt } from './schedule.js';

describe('a brief’s time of day in the subscriber’s own zone', () => {
  it('is the next 07:00 in Seoul, strictly after the instant given', () => {
    expect(nextSendAt('07:00', 'Asia/Seoul', new Date('2026-12-07T21:59:59Z')).toISOString()).toBe(
      '2026-12-07T22:00:00.000Z',
    );
    expect(nextSendAt('07:00', 'Asia/Seoul', new Date('2026-12-07T22:00:00Z')).toISOString()).toBe(
      '2026-12-08T22:00:00.000Z',
    );
  });

  it('follows daylight saving: 06:30 in New York is 11:30 UTC in winter and 10:30 UTC in summer', () => {
    expect(nextSendAt('06:30', 'America/New_York', new Date('2026-03-07T12:00:00Z')).toISOString()).toBe(
      '2026-03-08T10:30:00.000Z',
    );
    expect(nextSendAt('06:30', 'America/New_York', new Date('2026-03-06T12:00:00Z')).toISOString()).toBe(
      '2026-03-07T11:30:00.000Z',
    );
    // 02:30 does not exist on the morning clocks spring forward: that day's brief comes at the first instant after.
    expect(nextSendAt('02:30', 'America/New_York', new Date('2026-03-07T12:00:00Z')).toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('names the local date of an instant, and knows a zone, a time and a date from what is not', () => {
    expect(localDate(new Date('2026-12-07T22:00:00Z'), 'Asia/Seoul')).toBe('2026-12-08');
    expect(localDate(new Date('2026-12-07T22:00:00Z'), 'America/New_York')).toBe('2026-12-07');
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
    expect(isTimeZone('Asia/Atlantis')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(['07:00', '23:59', '00:00'].map(isTimeOfDay)).toEqual([true, true, true]);
    expect(['24:00', '7:00', '07:60', '07:00:00'].map(isTimeOfDay)).toEqual([false, false, false, false]);
    expect(['2026-12-08', '2028-02-29'].map(isLocalDate)).toEqual([true, true]);
    expect(['2026-02-30', '2026-13-01', '08-12-2026'].map(isLocalDate)).toEqual([false, false, false]);
  });
});
