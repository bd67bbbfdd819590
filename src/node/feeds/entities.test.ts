import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeNode } from '../test-support/node-harness.js';

const TEXT =
  '해경은 독도 인근에서 조사선을 확인했다. 日本政府は竹島について抗議した。 Ships were seen near the Liancourt Rocks.';
const FEED = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Region Wire</title><link>http://x/</link><description>d</description>
<item><guid>rw-1</guid><title>Survey ship near the rocks</title><description>${TEXT}</description></item></channel></rss>`;

const dir = mkdtempSync(join(tmpdir(), 'relto-entities-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the entities of an item, named for its reader', () => {
  it.each([
    ['KOR', 'ko', '독도'],
    ['JPN', 'ja', '竹島'],
    ['USA', 'en', 'Liancourt Rocks'],
  ] as const)(
    'a %s reader gets their own name for one disputed place, the text kept as published',
    async (party, lang, name) => {
      const h = await makeNode('sqlite', party);
      const node = await h.open();
      try {
        const file = join(dir, `${party}.xml`);
        writeFileSync(file, FEED);
        await node.admin.addUser({
          name: 'reader',
          password: 'correct horse battery',
          clearance: node.registry.parties.get(party)!.unclassified.id,
          roles: ['analyst'],
        });
        const person = (await node.authenticateBasic('reader', 'correct horse battery'))!;
        const feed = await node.admin.addFeed({ file });
        expect((await node.admin.pollFeed(feed.id)).taken).toBe(1);
        const [report] = (await node.listObjects(person, { types: ['report'], limit: 10 })).objects;
        expect(report!.description).toBe(TEXT);
        const entities = (await node.itemEntities(person, report!.id, lang))!;
        const places = entities.filter((e) => e.kind === 'place');
        // 독도, 竹島 and Liancourt Rocks: one place, three mentions, no country, the reader's name for it
        expect(places).toHaveLength(1);
        expect(places[0]).toMatchObject({ name, latitude: 37.2411, longitude: 131.8647 });
        expect(places[0]).not.toHaveProperty('country');
        expect(places[0]!.mentions.map((m) => TEXT.slice(m.start, m.end))).toEqual([
          '독도',
          '竹島',
          'Liancourt Rocks',
        ]);
        expect(
          await node.itemEntities(person, 'report--00000000-0000-4000-8000-000000000000', lang),
        ).toBeNull();
      } finally {
        await node.close();
        await h.cleanup();
      }
    },
  );
});
