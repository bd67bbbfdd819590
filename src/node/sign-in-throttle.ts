/** How many failed sign-ins a name and an address may have within a window before they are held back. */
export interface SignInThrottleOptions {
  /** Failures of one name within the window before that name is held back; default 5. */
  perPerson?: number;
  /** Failures from one address within the window before that address is held back; default 20. */
  perAddress?: number;
  /** The window (ms); default 15 minutes. */
  windowMs?: number;
}

export const SIGN_IN_DEFAULTS = { perPerson: 5, perAddress: 20, windowMs: 15 * 60_000 } as const;

/** Keys kept at most: a flood of invented names cannot grow the table without end. */
const MAX_KEYS = 50_000;

/**
 * Failed password sign-ins, counted per name tried and per address, in a sliding window. Pure: the clock is
 * the caller's. A name or an address with `perPerson`/`perAddress` failures in the window is held back
 * until the oldest of those failures leaves the window, whatever password it then brings; a success clears
 * the name's failures (never the address's, so one good account cannot launder guesses at others).
 */
export class SignInThrottle {
  private readonly perPerson: number;
  private readonly perAddress: number;
  private readonly windowMs: number;
  /** `p:<name>` or `a:<address>` → failure times (ms), oldest first. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    options: SignInThrottleOptions,
    private readonly clock: () => number,
  ) {
    this.perPerson = Math.max(1, options.perPerson ?? SIGN_IN_DEFAULTS.perPerson);
    this.perAddress = Math.max(1, options.perAddress ?? SIGN_IN_DEFAULTS.perAddress);
    this.windowMs = Math.max(1, options.windowMs ?? SIGN_IN_DEFAULTS.windowMs);
  }

  /** Whole seconds until this name and address may try again, or 0 when they may try now. */
  retryAfter(name: string, address: string | undefined): number {
    const now = this.clock();
    let waitMs = this.wait(`p:${name}`, this.perPerson, now);
    if (address !== undefined) waitMs = Math.max(waitMs, this.wait(`a:${address}`, this.perAddress, now));
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  failed(name: string, address: string | undefined): void {
    const now = this.clock();
    this.add(`p:${name}`, now);
    if (address !== undefined) this.add(`a:${address}`, now);
  }

  succeeded(name: string): void {
    this.failures.delete(`p:${name}`);
  }

  private live(key: string, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= from) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private wait(key: string, limit: number, now: number): number {
    const times = this.live(key, now);
    if (times.length < limit) return 0;
    // Held back until enough failures leave the window to fall below the limit.
    return times[times.length - limit]! + this.windowMs - now;
  }

  private add(key: string, now: number): void {
    const times = this.live(key, now);
    if (times.length === 0) {
      if (this.failures.size >= MAX_KEYS) this.prune(now);
      this.failures.set(key, times);
    }
    times.push(now);
    // Only the last `limit` failures decide anything; older ones need not be kept.
    const keep = Math.max(this.perPerson, this.perAddress);
    if (times.length > keep) times.splice(0, times.length - keep);
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.live(key, now);
    // Still full of live keys: forget the oldest half rather than grow.
    if (this.failures.size >= MAX_KEYS) {
      const keys = [...this.failures.keys()];
      for (const k of keys.slice(0, keys.length / 2)) this.failures.delete(k);
    }
  }
}
