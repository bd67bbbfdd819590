import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alternativeMarking, labelToMarking } from '../../../../src/stix/marking.js';
import { compile, type Stix } from '../../components/label-core.js';
import { inboxRows, mergeRows } from './rows.js';

const reg = compile(
  JSON.parse(readFileSync(new URL('../../../../data/registry.builtin.json', import.meta.url), 'utf8')),
);
const label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['JPN', 'KOR'],
  topics: ['DPRK-MISSILE'],
};
const marking = labelToMarking(label) as unknown as Stix;
const alt = alternativeMarking({
  alternativeOf: marking.id,
  party: 'JPN',
  classification: 'GOKUHI',
  agreement: 'KOR-JPN-GSOMIA',
}) as unknown as Stix;
const report = (id: string, modified: string): Stix => ({
  type: 'report',
  id,
  name: `report ${id}`,
  modified,
  object_marking_refs: [marking.id],
});

describe('the inbox rows', () => {
  it("show a Japanese reader Korea's report at 極秘 with 군사II급비밀 beside it, Korea as partner, the topic in Japanese", () => {
    const rows = inboxRows(
      reg,
      {
        items: [report('report--a', '2026-03-01T00:00:00Z'), marking],
        markings: [marking, alt],
        banners: {},
      },
      'JPN',
      'ja',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: 'report--a',
      partner: 'KOR',
      partnerName: '大韓民国',
      level: '極秘',
      original: '군사II급비밀',
      topics: ['北朝鮮のミサイル'],
    });
  });

  it('keep the newest first, a newer version replacing its row', () => {
    const page = (items: Stix[]) => inboxRows(reg, { items, markings: [marking], banners: {} }, 'KOR', 'ko');
    let rows = mergeRows(
      [],
      page([report('report--a', '2026-03-01T00:00:00Z'), report('report--b', '2026-03-02T00:00:00Z')]),
    );
    expect(rows.map((r) => r.id)).toEqual(['report--b', 'report--a']);
    rows = mergeRows(rows, page([report('report--a', '2026-03-03T00:00:00Z')]));
    expect(rows.map((r) => [r.id, r.modified])).toEqual([
      ['report--a', '2026-03-03T00:00:00Z'],
      ['report--b', '2026-03-02T00:00:00Z'],
    ]);
    expect(rows[0]!.original).toBeUndefined();
  });
});
