import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFeed } from 'feedsmith';
import { collectGarbage, registerBench } from '../bench/harness.js';
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
