import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFeed } from 'feedsmith';
import { collectGarbage, registerBench } from '../bench/harness.js';
import { EntityFinder, loadGazetteer } from '../entities/index.js';
import { createNode, openNode } from '../node/index.js';

/*
 * Feed intake (issue 14): feed files of mixed Korean, Japanese and English items, each taken in by a fresh
 * SQLite node (read → keys → dedup → reports stored through the admission path, encrypted, indexed, audited),
 * beside the bare parser (feedsmith) alone on the same files.
 */

const FILES = 10;
const ITEMS = 500;
const DEMO = fileURLToPath(new URL('../../data/demo/news.xml', import.meta.url));

/** `FILES` feeds of `ITEMS` items each, every item its own story (the demo's sentences, numbered). */
function feedFiles(dir: string): string[] {
  const demo = readFileSync(DEMO, 'utf8');
  const items = [...demo.matchAll(/<item>[\s\S]*?<\/item>/g)].map((m) => m[0]);
  const head = demo.slice(0, demo.indexOf('<item>'));
  const paths: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const body: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const n = f * ITEMS + i;
      body.push(
        items[n % items.length]!.replace(/demo-news\/([a-z]{2}-\d)/, `demo-news/$1-${n}`)
          .replace(/relto-demo:([a-z]{2}-\d)/, `relto-demo:$1-${n}`)
          .replace('</title>', ` (${n})</title>`)
          .replace('</description>', ` [${n}]</description>`),
      );
    }
    const path = join(dir, `feed-${f}.xml`);
    writeFileSync(path, `${head}${body.join('\n')}\n</channel>\n</rss>\n`);
    paths.push(path);
  }
  return paths;
}

registerBench('feeds', async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'relto-feeds-bench-'));
  try {
    const paths = feedFiles(dir);
    const total = FILES * ITEMS;

    collectGarbage();
    let start = performance.now();
    let parsed = 0;
    for (const p of paths) {
      const got = parseFeed(readFileSync(p, 'utf8'));
      parsed += got.format === 'rss' ? (got.feed.items?.length ?? 0) : 0;
    }
    const bareMs = performance.now() - start;
    if (parsed !== total) throw new Error(`the parser read ${parsed} items, not ${total}`);

    const dataDir = join(dir, 'node');
    await createNode({ dataDir, party: 'KOR' });
    const node = await openNode({ dataDir });
    try {
      for (const file of paths) await node.admin.addFeed({ file });
      const feeds = await node.admin.listFeeds();
      collectGarbage();
      start = performance.now();
      let taken = 0;
      for (const f of feeds) taken += (await node.admin.pollFeed(f.id)).taken;
      const reltoMs = performance.now() - start;
      if (taken !== total) throw new Error(`the node took in ${taken} items, not ${total}`);
      ctx.record(
        'relto intake (SQLite: read, keys, dedup, stored, indexed, audited)',
        'items/s',
        total / (reltoMs / 1000),
      );
      ctx.record('feedsmith parse alone', 'items/s', total / (bareMs / 1000));
      // Polled again: every item seen, nothing stored.
      start = performance.now();
      let unchanged = 0;
      for (const f of feeds) unchanged += (await node.admin.pollFeed(f.id)).unchanged;
      const againMs = performance.now() - start;
      if (unchanged !== total)
        throw new Error(`${unchanged} items unchanged on the second poll, not ${total}`);
      ctx.record(
        'relto intake (SQLite: read, keys, dedup, stored, indexed, audited)',
        'items/s, polled again (all seen)',
        total / (againMs / 1000),
      );
      ctx.record('feedsmith parse alone', 'items/s, polled again (all seen)', total / (bareMs / 1000));
      ctx.log(
        `${total} items in ${FILES} feeds: relto ${Math.round(reltoMs)} ms, again ${Math.round(againMs)} ms; parser ${Math.round(bareMs)} ms`,
      );
    } finally {
      await node.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/*
 * Entity extraction: the demo's sentences (ko, ja, en) repeated to 8 MB, through the finder with the whole
 * gazetteer loaded, beside one regular expression alternating every name (what a first attempt would write).
 */
registerBench('feeds:entities', (ctx) => {
  const demo = readFileSync(DEMO, 'utf8');
  const sentences = [...demo.matchAll(/<(?:title|description)>([^<]+)<\/(?:title|description)>/g)].map(
    (m) => m[1]!,
  );
  const parts: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < 8 * 1024 * 1024; i++) {
    const s = sentences[i % sentences.length]!;
    parts.push(s);
    bytes += Buffer.byteLength(s) + 1;
  }
  const texts = parts;
  const gazetteer = loadGazetteer();
  const finder = new EntityFinder(gazetteer);
  collectGarbage();
  let start = performance.now();
  let found = 0;
  for (const t of texts) found += finder.find(t).length;
  const finderMs = performance.now() - start;
  const names = gazetteer.flatMap((e) => Object.values(e.names).flat()) as string[];
  const escaped = names
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const alternation = new RegExp(escaped.join('|'), 'giu');
  collectGarbage();
  start = performance.now();
  let matched = 0;
  for (const t of texts) matched += t.match(alternation)?.length ?? 0;
  const regexMs = performance.now() - start;
  const mb = bytes / (1024 * 1024);
  ctx.record(
    'relto finder (NFKC, Aho–Corasick, word boundaries, particles)',
    'MB/s of mixed ko/ja/en text',
    mb / (finderMs / 1000),
  );
  ctx.record('one regular expression of every name', 'MB/s of mixed ko/ja/en text', mb / (regexMs / 1000));
  ctx.log(
    `${mb.toFixed(1)} MB, ${gazetteer.length} entries: finder ${found} mentions in ${Math.round(finderMs)} ms; regex ${matched} matches in ${Math.round(regexMs)} ms`,
  );
});
