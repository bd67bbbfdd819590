import { afterEach, describe, expect, it } from 'vitest';
import { formatDate, formatNumber, setNodeTimeZone } from './index.js';

describe("dates in the reader's locale and the node's time zone", () => {
  afterEach(() => setNodeTimeZone(undefined));

  it("shows midnight UTC as nine in the morning on a node in Seoul, in the reader's language", () => {
    setNodeTimeZone('Asia/Seoul');
    expect(formatDate('2026-01-01T00:00:00Z', 'en')).toMatch(/9:00:00\s?AM/);
    expect(formatDate('2026-01-01T00:00:00Z', 'ja')).toContain('2026/01/01 9:00:00');
    expect(formatDate('2026-01-01T00:00:00Z', 'ko')).toMatch(/2026\. 1\. 1\..*9:00:00/);
  });

  it("falls back to the browser's own zone for a zone it does not know, and shows bad input as it came", () => {
    setNodeTimeZone('Mars/Olympus_Mons');
    expect(formatDate('2026-01-01T00:00:00Z', 'en')).toMatch(/2025|2026/);
    expect(formatDate('not a date', 'en')).toBe('not a date');
  });

  it("groups numbers as the reader's locale does", () => {
    expect(formatNumber(20000, 'en')).toBe('20,000');
    expect(formatNumber(20000, 'ja')).toBe('20,000');
  });
});
