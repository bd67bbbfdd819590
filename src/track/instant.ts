/**
 * RFC 3339 instants as CoT writes them (`2023-12-18T22:37:00.123Z`, an offset allowed), read by hand:
 * Date.parse accepts far more than RFC 3339 and is slow on the hot path. NaN when not an instant.
 */
export function parseInstant(s: string): number {
  if (s.length < 20) return Number.NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (
    Number.isNaN(year + month + day + hour + minute + second) ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    (s.charCodeAt(10) !== 84 && s.charCodeAt(10) !== 116) ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return Number.NaN;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN; // 60: a leap second, read as :59.999…
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    const from = i;
    let scale = 100;
    while (i < s.length) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
      i++;
    }
    if (i === from) return Number.NaN;
  }
  let offset = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    i++;
  } else if (z === 43 || z === 45) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (Number.isNaN(oh + om) || s.charCodeAt(i + 3) !== 58 || oh > 23 || om > 59) return Number.NaN;
    offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
    i += 6;
  } else {
    return Number.NaN;
  }
  if (i !== s.length) return Number.NaN;
  const sec = second === 60 ? 59 : second;
  return Date.UTC(year, month - 1, day, hour, minute, sec) + Math.floor(ms) - offset;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let k = at; k < at + n; k++) {
    const d = s.charCodeAt(k) - 48;
    if (!(d >= 0 && d <= 9)) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** An instant in CoT's usual form (UTC, milliseconds). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString();
}
