import { describe, expect, it } from 'vitest';
import { SIGN_IN_DEFAULTS, SignInThrottle } from './sign-in-throttle.js';

describe('the sign-in throttle', () => {
  it('holds a name back after its limit of failures until the oldest of them leaves the window', () => {
    let now = 0;
    const t = new SignInThrottle({ perPerson: 3, perAddress: 100, windowMs: 60_000 }, () => now);
    for (const at of [0, 10_000, 20_000]) {
      now = at;
      expect(t.retryAfter('ana', '10.0.0.1')).toBe(0);
      t.failed('ana', '10.0.0.1');
    }
    expect(t.retryAfter('ana', '10.0.0.9')).toBe(40); // any address: the first failure leaves at 60 s
    now = 59_999;
    expect(t.retryAfter('ana', undefined)).toBe(1);
    now = 60_000;
    expect(t.retryAfter('ana', undefined)).toBe(0);
    expect(t.retryAfter('bob', '10.0.0.1')).toBe(0); // another name from the same address is not held
  });

  it('holds an address back after its limit across names; a success clears the name, never the address', () => {
    const now = 1_000;
    const t = new SignInThrottle({ perPerson: 2, perAddress: 4, windowMs: 10_000 }, () => now);
    t.failed('ana', '10.0.0.1');
    t.succeeded('ana');
    t.failed('ana', '10.0.0.1');
    expect(t.retryAfter('ana', undefined)).toBe(0); // one failure since the success
    t.failed('bob', '10.0.0.1');
    t.failed('cho', '10.0.0.1');
    expect(t.retryAfter('dan', '10.0.0.1')).toBe(10);
    expect(t.retryAfter('dan', '10.0.0.2')).toBe(0);
  });

  it('defaults to 5 per name and 20 per address in 15 minutes', () => {
    expect(SIGN_IN_DEFAULTS).toEqual({ perPerson: 5, perAddress: 20, windowMs: 900_000 });
    const t = new SignInThrottle({}, () => 0);
    for (let i = 0; i < 4; i++) t.failed('ana', `10.0.0.${i}`);
    expect(t.retryAfter('ana', undefined)).toBe(0);
    t.failed('ana', '10.0.0.9');
    expect(t.retryAfter('ana', undefined)).toBe(900);
  });
});
