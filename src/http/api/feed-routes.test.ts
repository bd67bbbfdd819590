import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeService } from '../../node/index.js';
import { bundle, SECRET_MARK, secretReport } from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { closing, realNode } from '../test-support/nodes.js';

const FEED = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Washington Brief</title><link>http://x/</link><description>d</description>
<item><guid>https://dc.example/1</guid><title>Allies meet on missile warning data</title><description>Officials met.</description></item></channel></rss>`;

describe('/api/v1/feeds', () => {
  let h: Harness;
  let node: NodeService;
  const dir = mkdtempSync(join(tmpdir(), 'relto-feed-api-'));
  const file = join(dir, 'dc.xml');

  beforeAll(async () => {
    writeFileSync(file, FEED);
    node = closing(await realNode('sqlite'));
    h = await harness(node);
  });
  afterAll(async () => {
    await h?.close();
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an administrator add a feed (201), list it with its status and poll it into reports analysts read', async () => {
    const added = await h.api('admin', 'POST', '/api/v1/feeds', { file, every: '1h', topics: ['ALLIANCE'] });
    expect(added.statusCode, added.body).toBe(201);
    const feed = added.json() as { id: string; everySeconds: number; status: string; topics: string[] };
    expect(feed).toMatchObject({ everySeconds: 3600, status: 'new', topics: ['ALLIANCE'] });
    const polled = await h.api('admin', 'POST', `/api/v1/feeds/${feed.id}/poll`);
    expect(polled.statusCode, polled.body).toBe(200);
    expect(polled.json()).toEqual({ feed: feed.id, status: 'ok', taken: 1, updated: 0, unchanged: 0 });
    const listed = await h.api('admin', 'GET', '/api/v1/feeds');
    expect(listed.json().feeds).toEqual([
      expect.objectContaining({ id: feed.id, status: 'ok', title: 'Washington Brief' }),
    ]);
    const items = await h.api('analyst-low', 'GET', '/api/v1/items?type=report');
    const news = (items.json().items as { name: string; report_types: string[] }[]).filter((i) =>
      i.report_types.includes('news'),
    );
    expect(news.map((n) => n.name)).toEqual(['Allies meet on missile warning data']);
  });

  it('refuses everyone else (403), and bad input with a clear 400, an unknown feed with 404', async () => {
    expect((await h.api('analyst', 'GET', '/api/v1/feeds')).statusCode).toBe(403);
    expect((await h.api('security', 'POST', '/api/v1/feeds', { file })).statusCode).toBe(403);
    const both = await h.api('admin', 'POST', '/api/v1/feeds', { file, url: 'https://x.example/rss' });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toMatch(/one of url or file/);
    expect(
      (await h.api('admin', 'POST', '/api/v1/feeds', { url: 'https://x.example/rss', colour: 'red' }))
        .statusCode,
    ).toBe(400);
    const every = await h.api('admin', 'POST', '/api/v1/feeds', {
      url: 'https://x.example/rss',
      every: 'hourly',
    });
    expect(every.statusCode).toBe(400);
    expect(every.json().error.message).toMatch(/not a duration/);
    expect((await h.api('admin', 'POST', '/api/v1/feeds', { file })).statusCode).toBe(409);
    expect((await h.api('admin', 'POST', '/api/v1/feeds/feed--nope/poll')).statusCode).toBe(404);
  });

  it('answers the entities of an item named as the reader’s nation names them, and nothing of an item they may not read', async () => {
    const ko = join(dir, 'ko.xml');
    writeFileSync(
      ko,
      FEED.replace('Washington Brief', 'Seoul Wire')
        .replace('https://dc.example/1', 'https://seoul.example/1')
        .replace('Allies meet on missile warning data', '독도 인근 조사')
        .replace('Officials met.', '북한 발사 뒤 독도 인근에서 조사선이 확인됐다.'),
    );
    const feed = (await h.api('admin', 'POST', '/api/v1/feeds', { file: ko })).json() as { id: string };
    expect((await h.api('admin', 'POST', `/api/v1/feeds/${feed.id}/poll`)).json()).toMatchObject({
      taken: 1,
    });
    const items = (await h.api('analyst-low', 'GET', '/api/v1/items?type=report')).json().items as {
      id: string;
      name: string;
    }[];
    const id = items.find((i) => i.name === '독도 인근 조사')!.id;
    const res = await h.api('analyst-low', 'GET', `/api/v1/items/${id}/entities?lang=ja`);
    expect(res.statusCode, res.body).toBe(200);
    const entities = res.json() as { kind: string; name: string; country?: string; mentions: unknown[] }[];
    expect(entities).toContainEqual(
      expect.objectContaining({ kind: 'country', name: '北朝鮮', country: 'KP' }),
    );
    expect(entities).toContainEqual(
      expect.objectContaining({ kind: 'place', name: '独島', mentions: [{ start: 8, end: 10 }] }),
    );
    expect((await h.api('analyst-low', 'GET', `/api/v1/items/${id}/entities?lang=fr`)).statusCode).toBe(400);
    // R7, R10: a SECRET item does not exist for a CONFIDENTIAL reader, on this path too
    const secret = secretReport(5);
    expect((await h.postTaxii('analyst', bundle([secret]).objects)).statusCode).toBe(202);
    expect((await h.api('analyst', 'GET', `/api/v1/items/${secret.id}/entities`)).statusCode).toBe(200);
    const hidden = await h.api('analyst-low', 'GET', `/api/v1/items/${secret.id}/entities`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain(SECRET_MARK);
  });
});
