import { describe, expect, it } from 'vitest';
import { labelToMarking } from '../../../../src/stix/marking.js';
import { buildReport, type Draft, draftLabels, paragraphLevels } from './report.js';

const PORTIONS = 'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b';
const draft: Draft = {
  title: 'Launch assessment',
  titleLevel: 'III',
  paragraphs: [
    { level: 'III', releasableTo: ['KOR', 'JPN'], text: 'one' },
    { level: 'II', releasableTo: ['KOR'], text: 'two' },
    { level: 'III', releasableTo: ['JPN', 'KOR'], text: 'three' },
  ],
  caveats: [],
  topics: ['DPRK-MISSILE'],
};

describe("the editor's report (STIX report with portions)", () => {
  it("labels each paragraph with its own level and Releasable To; the title's floor is releasable to every party some paragraph is", () => {
    const { floor, portions } = draftLabels('KOR', draft);
    expect(floor).toEqual({
      originator: 'KOR',
      classification: 'III',
      releasableTo: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    });
    expect(portions.map((p) => [p.classification, p.releasableTo])).toEqual([
      ['III', ['JPN', 'KOR']],
      ['II', ['KOR']],
      ['III', ['JPN', 'KOR']],
    ]);
  });

  it('carries the floor in object_marking_refs and marks only the paragraphs above it, each by its portion selector', () => {
    const { floor, portions } = draftLabels('KOR', draft);
    const markings = [floor, ...portions].map(
      (l) => labelToMarking(l) as unknown as { id: string; type: string },
    );
    const bundle = buildReport(draft, markings, {
      id: 'report--1',
      bundleId: 'bundle--1',
      now: '2026-03-01T00:00:00.000Z',
    });
    // biome-ignore lint/suspicious/noExplicitAny: the report read field by field
    const report = bundle.objects.at(-1) as Record<string, any>;
    expect(bundle.objects.filter((o) => o.type === 'marking-definition')).toHaveLength(2);
    expect(report.object_marking_refs).toEqual([markings[0]!.id]);
    expect(report.created_by_ref).toBe((markings[0] as { created_by_ref?: string }).created_by_ref);
    expect(report.name).toBe('Launch assessment');
    expect(report.extensions[PORTIONS].portions).toEqual([
      { text: 'one' },
      { text: 'two' },
      { text: 'three' },
    ]);
    expect(report.granular_markings).toEqual([
      { marking_ref: markings[2]!.id, selectors: [`extensions.${PORTIONS}.portions.[1]`] },
    ]);
  });

  it('offers paragraph levels never below the title', () => {
    const levels = [
      { id: 'U', rank: 0 },
      { id: 'R', rank: 1 },
      { id: 'III', rank: 2 },
      { id: 'II', rank: 3 },
    ];
    expect(paragraphLevels(levels, 'R').map((l) => l.id)).toEqual(['R', 'III', 'II']);
  });
});
