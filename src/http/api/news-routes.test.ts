import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../label/index.js';
import type { NodeService } from '../../node/index.js';
import { makeNode } from '../../node/test-support/node-harness.js';
import type { Role } from '../../policy/index.js';
import { labelToMarking } from '../../stix/index.js';
import type { StixObject } from '../../store/index.js';
import { KOR_IDENTITY, PEOPLE, SECRET_MARK } from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { closing, realNode } from '../test-support/nodes.js';

interface News {
  id: string;
  headline: string;
  source: string;
  url?: string;
  published?: string;
  added: string;
  topics: string[];
  places: { id: string; name: string; kind: string; latitude?: number; longitude?: number }[];
}

const dir = mkdtempSync(join(tmpdir(), 'relto-news-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A feed file of items (title, text), each with its own guid and link, in the order given. */
function feedFile(name: string, title: string, items: [string, string][]): string {
  const path = join(dir, `${name}.xml`);
  const body = items
    .map(
      ([t, d], i) =>
        `<item><guid>https://${name}.example/${i}</guid><link>https://${name}.example/${i}</link><title>${t}</title><description>${d}</description><pubDate>Mon, 07 Dec 2026 0${i}:00:00 +0000</pubDate></item>`,
    )
    .join('');
  writeFileSync(
    path,
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>http://x/</link><description>d</description>${body}</channel></rss>`,
  );
  return path;
}

const DISPUTED: [string, string] = [
  '독도 인근 해역에서 해양조사선 활동',
  '해양경찰청은 독도 인근 해역과 동해상에서 해양조사선이 활동 중이라고 밝혔다.',
];

async function takeIn(h: Harness, file: string, topics: string[] = []): Promise<void> {
  const feed = await h.api('admin', 'POST', '/api/v1/feeds', { file, topics });
  expect(feed.statusCode, feed.body).toBe(201);
  const polled = await h.api('admin', 'POST', `/api/v1/feeds/${feed.json().id}/poll`);
  expect(polled.json()).toMatchObject({ status: 'ok' });
}

describe('GET /api/v1/news', () => {
  let h: Harness;
  let node: NodeService;

  beforeAll(async () => {
    node = closing(await realNode('sqlite'));
    h = await harness(node);
    await takeIn(
      h,
      feedFile('seoul', 'Seoul Wire', [DISPUTED, ['북한 미사일 발사', '합참은 발사를 확인했다.']]),
      ['DPRK-MISSILE'],
    );
    await takeIn(
      h,
      feedFile('dc', 'Washington Brief', [
        ['Allies meet on missile warning data', 'Officials met in Tokyo.'],
        ['Talks resume', 'Negotiators met again.'],
        ['Exercise ends', 'The drill ended on schedule.'],
      ]),
    );
  });
  afterAll(async () => {
    await h?.close();
    await node?.close();
  });

  it('lists the news newest taken in first, headlines as published, with source, link, dates and places', async () => {
    const res = await h.api('analyst-low', 'GET', '/api/v1/news?lang=ko');
    expect(res.statusCode, res.body).toBe(200);
    const news = res.json().news as News[];
    expect(news.map((n) => n.headline)).toEqual([
      'Exercise ends',
      'Talks resume',
      'Allies meet on missile warning data',
      '북한 미사일 발사',
      DISPUTED[0],
    ]);
    expect(res.json()).not.toHaveProperty('next');
    const dokdo = news.at(-1)!;
    expect(dokdo).toMatchObject({
      source: 'Seoul Wire',
      url: 'https://seoul.example/0',
      published: '2026-12-07T00:00:00.000Z',
      topics: ['DPRK-MISSILE'],
    });
    expect(dokdo.places).toEqual([
      expect.objectContaining({ name: '독도', kind: 'place', latitude: 37.2411, longitude: 131.8647 }),
      expect.objectContaining({ name: '동해', kind: 'place' }),
    ]);
    expect(Date.parse(dokdo.added)).not.toBeNaN();
  });

  it('pages with an opaque token, never repeating or skipping an item, and refuses a token it did not give', async () => {
    const all = ((await h.api('analyst', 'GET', '/api/v1/news')).json().news as News[]).map((n) => n.id);
    const seen: string[] = [];
    let url = '/api/v1/news?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const page = (await h.api('analyst', 'GET', url)).json() as { news: News[]; next?: string };
      expect(page.news.length).toBeLessThanOrEqual(2);
      seen.push(...page.news.map((n) => n.id));
      if (!page.next) break;
      url = `/api/v1/news?limit=2&next=${encodeURIComponent(page.next)}`;
    }
    expect(seen).toEqual(all);
    expect(all).toHaveLength(5);
    expect((await h.api('analyst', 'GET', '/api/v1/news?next=not-a-token')).statusCode).toBe(400);
    expect((await h.api('analyst', 'GET', '/api/v1/news?limit=0')).statusCode).toBe(400);
    expect((await h.api('analyst', 'GET', '/api/v1/news?limit=201')).statusCode).toBe(400);
    expect((await h.api('analyst', 'GET', '/api/v1/news?lang=fr')).statusCode).toBe(400);
  });

  it('filters by topic (any of the repeated ones) and by words in the headline or text', async () => {
    const headlines = async (query: string) =>
      ((await h.api('analyst', 'GET', `/api/v1/news?${query}`)).json().news as News[]).map((n) => n.headline);
    expect(await headlines('topic=DPRK-MISSILE')).toEqual(['북한 미사일 발사', DISPUTED[0]]);
    expect(await headlines('topic=DPRK-MISSILE&topic=NOPE')).toHaveLength(2);
    expect(await headlines('topic=NOPE')).toEqual([]);
    expect(await headlines(`q=${encodeURIComponent('TOKYO')}`)).toEqual([
      'Allies meet on missile warning data',
    ]);
    expect(await headlines(`q=${encodeURIComponent('동해상')}`)).toEqual([DISPUTED[0]]);
  });

  it('goes through the node’s decisions: news a reader may not read is not listed, and signing in is required', async () => {
    // A SECRET report that calls itself news, on the open-source topic: read by the analyst only (R7, R10).
    const label: Label = { originator: 'KOR', classification: 'II', topics: ['DPRK-MISSILE', 'OSINT'] };
    const marking = labelToMarking(label) as unknown as StixObject;
    const at = new Date().toISOString();
    const secret: StixObject = {
      type: 'report',
      spec_version: '2.1',
      id: `report--${randomUUID()}`,
      created: at,
      modified: at,
      created_by_ref: KOR_IDENTITY,
      name: `Assessment ${SECRET_MARK}`,
      report_types: ['news'],
      published: at,
      object_refs: [KOR_IDENTITY],
      object_marking_refs: [marking.id],
    };
    expect((await h.postTaxii('analyst', [marking, secret])).statusCode).toBe(202);
    const cleared = (await h.api('analyst', 'GET', '/api/v1/news')).json().news as News[];
    expect(cleared[0]!.headline).toBe(`Assessment ${SECRET_MARK}`);
    const low = await h.api('analyst-low', 'GET', '/api/v1/news');
    expect(low.json().news).toHaveLength(5);
    expect(low.body).not.toContain(SECRET_MARK);
    const anonymous = await h.app.inject({ url: '/api/v1/news' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('GET /api/v1/news names each place as the reader’s nation does', () => {
  it.each([
    ['KOR', 'ko', ['독도', '동해']],
    ['KOR', 'en', ['Dokdo', 'East Sea']],
    ['JPN', 'ja', ['竹島', '日本海']],
    ['JPN', 'en', ['Takeshima', 'Sea of Japan']],
    ['USA', 'en', ['Liancourt Rocks', 'Sea of Japan (East Sea)']],
  ] as const)('a %s reader in %s: %j, the headline as published', async (party, lang, names) => {
    const made = await makeNode('sqlite', party);
    const reltoNode = await made.open();
    let h: Harness | undefined;
    try {
      const unclassified = reltoNode.registry.parties.get(party)!.unclassified.id;
      for (const p of PEOPLE.filter((x) => x.name === 'admin' || x.name === 'analyst-low')) {
        await reltoNode.admin.addUser({
          name: p.name,
          password: p.password,
          clearance: unclassified,
          roles: p.roles as Role[],
        });
      }
      h = await harness(reltoNode);
      await takeIn(h, feedFile(`${party}-${lang}`, 'Seoul Wire', [DISPUTED]));
      const res = await h.api('analyst-low', 'GET', `/api/v1/news?lang=${lang}`);
      expect(res.statusCode, res.body).toBe(200);
      const [item] = res.json().news as News[];
      expect(item!.headline).toBe(DISPUTED[0]);
      expect(item!.places.map((p) => p.name)).toEqual(names);
    } finally {
      await h?.close();
      await reltoNode.close();
      await made.cleanup();
    }
  });
});
