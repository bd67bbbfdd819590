/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RegistryDocument } from '../../components/officer-registry.js';
import { stateToday, timeline } from './timeline.js';

const registry = JSON.parse(
  readFileSync(new URL('../../../../data/registry.builtin.json', import.meta.url), 'utf8'),
) as RegistryDocument;
const gsomia = registry.agreements.find((a) => a.id === 'KOR-JPN-GSOMIA')!;

describe("the Korea–Japan agreement's state timeline", () => {
  it('R23: in force 2016, notice 2019, notice suspended three months later, notice withdrawn 2023', () => {
    expect(timeline(gsomia).map((s) => [s.date, s.type, s.state])).toEqual([
      ['2016-11-23', 'entry-into-force', 'in-force'],
      ['2019-08-23', 'termination-notice', 'termination-notified'],
      ['2019-11-22', 'notice-suspended', 'notice-suspended'],
      ['2023-03-21', 'notice-withdrawn', 'in-force'],
    ]);
  });

  it('R21: releases stay allowed through the notice and its suspension', () => {
    expect(timeline(gsomia).every((s) => s.releasesAllowed)).toBe(true);
  });

  it('is in force today', () => {
    expect(stateToday(gsomia, Date.parse('2026-03-01T00:00:00Z'))).toBe('in-force');
  });
});
