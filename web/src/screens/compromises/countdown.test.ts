import { describe, expect, it } from 'vitest';
import { countdown, nextStatus } from './countdown.js';

describe('a compromise deadline counting down', () => {
  const now = Date.parse('2026-03-01T00:00:00.000Z');
  it('says the days, hours, minutes and seconds left', () => {
    expect(countdown('2026-03-02T03:04:05.000Z', now)).toEqual({
      overdue: false,
      days: 1,
      hours: 3,
      minutes: 4,
      seconds: 5,
    });
  });
  it('says how long a passed deadline is overdue', () => {
    expect(countdown('2026-02-28T23:59:30.000Z', now)).toEqual({
      overdue: true,
      days: 0,
      hours: 0,
      minutes: 0,
      seconds: 30,
    });
  });
  it('has nothing to say of a date that is not one', () => {
    expect(countdown('soon', now)).toBeNull();
  });
});

describe('the next status of a report', () => {
  it('follows reported → investigating → findings-sent → closed, and stops there', () => {
    expect(nextStatus('reported')).toBe('investigating');
    expect(nextStatus('investigating')).toBe('findings-sent');
    expect(nextStatus('findings-sent')).toBe('closed');
    expect(nextStatus('closed')).toBeNull();
  });
});
