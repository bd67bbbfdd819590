import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityObjectId } from '../../feeds/index.js';
import type { StixObject } from '../../store/index.js';
import type { ReltoNode } from '../node-service.js';
import type { Person } from '../service.js';
import { addKorPeople, DIALECTS, makeNode, type NodeHarness } from '../test-support/node-harness.js';

/*
 * News feeds taken in (contracts §11): every item one unclassified report, whatever the feed does; a failing
 * feed says so and stores nothing; the feeds the best-known peer gets wrong (items sharing one timestamp,
 * one story in two feeds, a feed failing silently) come out right.
 */

const STAMP = 'Mon, 07 Dec 2026 10:00:00 +0900';
const item = (guid: string, title: string, text: string, link?: string) =>
  `<item><guid>${guid}</guid><title>${title}</title><description>${text}</description><pubDate>${STAMP}</pubDate>${link ? `<link>${link}</link>` : ''}</item>`;
const rss = (title: string, items: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>http://x/</link><description>d</description>${items.join('')}</channel></rss>`;

/** What each path of the loopback feed server answers; tests change it between polls. */
const served: Record<string, { body: string; etag?: string }> = {};

for (const dialect of DIALECTS) {
  describe(`news feeds taken in (${dialect})`, () => {
    let h: NodeHarness;
    let node: ReltoNode;
    let people: Record<string, Person>;
    let server: Server;
    let base: string;
    const dir = mkdtempSync(join(tmpdir(), 'relto-feeds-'));

    beforeAll(async () => {
      h = await makeNode(dialect);
      node = await h.open();
      people = await addKorPeople(node);
      server = createServer((req, res) => {
        const s = served[req.url ?? ''];
        if (!s) return void res.writeHead(404).end();
        if (s.etag && req.headers['if-none-match'] === s.etag) return void res.writeHead(304).end();
        res.writeHead(200, { 'content-type': 'application/rss+xml', ...(s.etag ? { etag: s.etag } : {}) });
        res.end(s.body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server?.close();
      await node?.close();
      await h?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    const reports = async (as = 'analyst-low'): Promise<StixObject[]> =>
      (await node.listObjects(people[as]!, { types: ['report'], versions: ['all'], limit: 1000 })).objects;

    it('takes in every item of a feed as an unclassified report, title and text as published, readable at the lowest clearance (R33)', async () => {
      served['/seoul'] = {
        body: rss('Seoul Daily', [
          item(
            's1',
            '합참 “북한, 동해상으로 탄도미사일 발사”',
            '합참은 7일 오전 북한이 동해상으로 탄도미사일 1발을 발사했다고 밝혔다.',
            'https://seoul.example/1',
          ),
          item(
            's2',
            'Allies hold talks',
            '&lt;p&gt;Talks &amp;amp; more&lt;/p&gt;',
            'https://seoul.example/2',
          ),
          item('s3', 'Third story', 'Three', 'https://seoul.example/3'),
        ]),
        etag: '"v1"',
      };
      const feed = await node.admin.addFeed({ url: `${base}/seoul`, topics: ['DPRK-MISSILE'] });
      const polled = await node.admin.pollFeed(feed.id);
      // items sharing one timestamp are all taken
      expect(polled).toMatchObject({ status: 'ok', taken: 3, updated: 0, unchanged: 0 });
      const got = await reports();
      expect(got).toHaveLength(3);
      const first = got.find(
        (r) => (r.external_references as { external_id: string }[])[0]!.external_id === 's1',
      )!;
      expect(first.name).toBe('합참 “북한, 동해상으로 탄도미사일 발사”');
      expect(first.description).toBe('합참은 7일 오전 북한이 동해상으로 탄도미사일 1발을 발사했다고 밝혔다.');
      expect(first).toMatchObject({
        report_types: ['news'],
        published: '2026-12-07T01:00:00.000Z',
        created_by_ref: node.identityId,
        external_references: [
          { source_name: 'Seoul Daily', url: 'https://seoul.example/1', external_id: 's1' },
        ],
      });
      expect((first.object_refs as string[])[0]).toMatch(/^identity--/);
      // the places, countries and organisations it mentions: 합참, 북한, 동해상
      const refs = first.object_refs as string[];
      expect(refs).toContain(entityObjectId({ id: 'kor-jcs', kind: 'organisation', names: {} }));
      expect(refs).toContain(entityObjectId({ id: 'KP', kind: 'country', names: {} }));
      const eastSea = entityObjectId({ id: 'east-sea', kind: 'place', names: {} });
      expect(refs).toContain(eastSea);
      const [sea] = (await node.listObjects(people['analyst-low']!, { ids: [eastSea], limit: 10 })).objects;
      expect(sea).toMatchObject({
        type: 'location',
        name: 'East Sea',
        x_relto_names: { JPN: { ja: '日本海' } },
      });
      expect(sea).not.toHaveProperty('country');
      expect(got.find((r) => r.name === 'Allies hold talks')!.description).toBe('Talks & more');
      const [feedNow] = (await node.admin.listFeeds()).filter((f) => f.id === feed.id);
      expect(feedNow).toMatchObject({ status: 'ok', title: 'Seoul Daily', etag: '"v1"', failures: 0 });
    });

    it('takes nothing new from a 304, nor from the same items polled again', async () => {
      const [feed] = (await node.admin.listFeeds()).filter((f) => f.source === `${base}/seoul`);
      expect(await node.admin.pollFeed(feed!.id)).toMatchObject({ status: 'not-modified', taken: 0 });
      served['/seoul']!.etag = '"v2"';
      expect(await node.admin.pollFeed(feed!.id)).toMatchObject({ status: 'ok', taken: 0, unchanged: 3 });
      expect(await reports()).toHaveLength(3);
    });

    it('makes a changed item a new version of its report, and the same story in a second feed no second report', async () => {
      const [feed] = (await node.admin.listFeeds()).filter((f) => f.source === `${base}/seoul`);
      served['/seoul'] = {
        body: rss('Seoul Daily', [
          item(
            's1',
            '합참 “북한, 동해상으로 탄도미사일 발사”',
            '합참은 7일 오전 북한이 동해상으로 탄도미사일 2발을 발사했다고 밝혔다.',
            'https://seoul.example/1',
          ),
        ]),
      };
      expect(await node.admin.pollFeed(feed!.id)).toMatchObject({ status: 'ok', taken: 0, updated: 1 });
      const versions = (await reports()).filter(
        (r) => (r.external_references as { external_id: string }[])[0]!.external_id === 's1',
      );
      expect(versions).toHaveLength(2);
      expect(new Set(versions.map((v) => v.id)).size).toBe(1);
      expect(versions.map((v) => v.description)).toContain(
        '합참은 7일 오전 북한이 동해상으로 탄도미사일 2발을 발사했다고 밝혔다.',
      );
      // another feed reposting story 3 (same link, its own GUID) and story 2's text
      served['/wire'] = {
        body: rss('Wire', [
          item('w-99', 'Third story (wire)', 'Reposted', 'https://SEOUL.example/3?utm_source=wire#top'),
          item('w-100', 'Allies hold talks', '&lt;p&gt;Talks &amp;amp; more&lt;/p&gt;'),
        ]),
      };
      const wire = await node.admin.addFeed({ url: `${base}/wire` });
      const polled = await node.admin.pollFeed(wire.id);
      expect(polled.taken).toBe(0);
      expect(new Set((await reports()).map((r) => r.id)).size).toBe(3);
    });

    it('gives a bad feed a clear status and stores nothing of it, and polls the others all the same', async () => {
      const before = (await reports()).length;
      served['/laughs'] = {
        body: '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l "lol">]><rss version="2.0"><channel><title>&l;</title></channel></rss>',
      };
      served['/broken'] = { body: '<rss version="2.0"><channel><title>x</titl></channel></rss>' };
      const laughs = await node.admin.addFeed({ url: `${base}/laughs` });
      const broken = await node.admin.addFeed({ url: `${base}/broken` });
      const missing = await node.admin.addFeed({ url: `${base}/missing` });
      const file = join(dir, 'tokyo.xml');
      writeFileSync(file, rss('Tokyo Wire', [item('t1', '防衛相が会見', '本文', 'https://tokyo.example/1')]));
      const tokyo = await node.admin.addFeed({ file });
      const results = await node.admin.pollDueFeeds();
      const byFeed = new Map(results.map((r) => [r.feed, r]));
      expect(byFeed.get(laughs.id)).toMatchObject({ status: 'failing', problem: { kind: 'dtd' } });
      expect(byFeed.get(broken.id)).toMatchObject({ status: 'failing', problem: { kind: 'malformed' } });
      expect(byFeed.get(missing.id)).toMatchObject({ status: 'failing', problem: { kind: 'http-status' } });
      expect(byFeed.get(tokyo.id)).toMatchObject({ status: 'ok', taken: 1 });
      expect((await reports()).length).toBe(before + 1);
      const listed = new Map((await node.admin.listFeeds()).map((f) => [f.id, f]));
      expect(listed.get(laughs.id)).toMatchObject({ status: 'failing', failures: 1 });
      expect(listed.get(laughs.id)!.problem!.message).toMatch(/DTD/);
      // a failing feed waits longer before it is tried again
      expect(Date.parse(listed.get(laughs.id)!.nextPollAt)).toBeGreaterThan(Date.now() + 15 * 60 * 1000);
    });

    it('lets only an administrator add, list and poll feeds', async () => {
      await expect(node.listFeeds(people.analyst!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(node.addFeed(people.analyst!, { url: `${base}/x` })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      expect((await node.listFeeds(people.admin!)).length).toBeGreaterThan(0);
      await expect(node.addFeed(people.admin!, { url: 'ftp://x/feed' })).rejects.toMatchObject({
        code: 'MALFORMED_REQUEST',
      });
      await expect(node.addFeed(people.admin!, { url: `${base}/seoul` })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });
    it('takes in a poll’s items oldest first, so the newest story is the last taken in', async () => {
      const dated = (guid: string, hour: string) =>
        `<item><guid>${guid}</guid><title>Order ${guid}</title><description>Story ${guid}</description><pubDate>Mon, 07 Dec 2026 ${hour}:00:00 +0000</pubDate></item>`;
      // Listed newest first, as feeds list them.
      served['/order'] = {
        body: rss('Order Wire', [dated('o3', '12'), dated('o1', '10'), dated('o2', '11')]),
      };
      const feed = await node.admin.addFeed({ url: `${base}/order` });
      expect((await node.admin.pollFeed(feed.id)).taken).toBe(3);
      const taken = (await reports()).map((r) => r.name as string).filter((n) => n.startsWith('Order '));
      // The store answers in the order things were taken in.
      expect(taken).toEqual(['Order o1', 'Order o2', 'Order o3']);
    });
  });
}
