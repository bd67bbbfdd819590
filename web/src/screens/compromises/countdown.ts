/** How long until a deadline, in whole units, or how long it is overdue. */
export interface Countdown {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export function countdown(deadline: string, now: number): Countdown | null {
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return null;
  const overdue = at < now;
  let s = Math.floor(Math.abs(at - now) / 1000);
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  return { overdue, days, hours, minutes, seconds: s - minutes * 60 };
}

/** The statuses a report moves through, in order (the node refuses a step back). */
export const STATUSES = ['reported', 'investigating', 'findings-sent', 'closed'] as const;
export type CompromiseStatus = (typeof STATUSES)[number];

/** The status after `status`, or null once closed. */
export function nextStatus(status: string): CompromiseStatus | null {
  const i = STATUSES.indexOf(status as CompromiseStatus);
  return i >= 0 && i < STATUSES.length - 1 ? STATUSES[i + 1]! : null;
}
