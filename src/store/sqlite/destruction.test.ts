import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newDataKey, open, seal, unwrap, wrapGcm } from '../../keys/index.js';
import { openStore } from '../open-store.js';
import type { ObjectInput, Store } from '../store.js';

const FLOOR = 'marking-definition--00000000-0000-4000-8000-0000000000aa';
const PORTION = 'marking-definition--00000000-0000-4000-8000-0000000000bb';

function item(n: number, name: string, portion: string, extra = 'ordinary filler text'): ObjectInput {
  const id = `note--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  return {
    object: {
      type: 'note',
      spec_version: '2.1',
      id,
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      abstract: name,
      content: `${portion} ${extra}`,
      object_refs: ['report--11111111-1111-4111-8111-111111111111'],
      object_marking_refs: [FLOOR],
    },
    floor: FLOOR,
    index: [
      { markingId: FLOOR, text: name },
      { markingId: PORTION, text: portion },
    ],
  };
}

/** Every byte the database keeps on disk: the main file, the WAL and the shared-memory index. */
function filesOf(path: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const suffix of ['', '-wal', '-shm']) {
    out[`relto.db${suffix}`] = existsSync(path + suffix) ? readFileSync(path + suffix) : Buffer.alloc(0);
  }
  return out;
}

function holders(path: string, word: string): string[] {
  return Object.entries(filesOf(path))
    .filter(([, bytes]) => bytes.includes(Buffer.from(word, 'utf8')))
    .map(([name]) => name);
}

describe('SQLite destruction leaves no plaintext in the database files (R27)', () => {
  let dir: string;
  let path: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relto-destroy-'));
    path = join(dir, 'relto.db');
    store = await openStore({ sqlitePath: path, nodeKey: newDataKey() });
    // Enough other items that the index has many segments and pages around the destroyed one.
    await store.putObjects(
      Array.from({ length: 300 }, (_, i) => item(i + 1, `filler title ${i}`, `filler body ${i}`)),
    );
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never writes object content in clear: only the search index holds words (R27)', async () => {
    await store.putObjects([item(1000, 'indexed title', 'indexed portion', 'unindexedsecretword')]);
    expect((await store.getObject(itemId(1000)))?.object?.content).toContain('unindexedsecretword');
    expect(holders(path, 'unindexedsecretword')).toEqual([]);
  });

  it('erases the words of a destroyed item still in the WAL', async () => {
    await store.putObjects([item(1000, 'xyzzymarkertitle alpha', 'plughmarkerportion bravo')]);
    expect(holders(path, 'xyzzymarkertitle').length).toBeGreaterThan(0);
    expect(holders(path, 'plughmarkerportion').length).toBeGreaterThan(0);
    expect(await store.destroyObject(itemId(1000))).toBe(true);
    expect(holders(path, 'xyzzymarkertitle')).toEqual([]);
    expect(holders(path, 'plughmarkerportion')).toEqual([]);
    expect((await store.search({ text: 'filler' })).length).toBeGreaterThan(0);
  });

  it('erases the words of a destroyed item already checkpointed into the main file', async () => {
    await store.putObjects([item(1000, 'xyzzymarkertitle alpha', 'plughmarkerportion bravo')]);
    // A second connection forces the WAL into the main file, as SQLite's automatic checkpoints do.
    const other = new SqliteDatabase(path);
    other.pragma('wal_checkpoint(TRUNCATE)');
    other.close();
    expect(holders(path, 'xyzzymarkertitle')).toContain('relto.db');
    await store.putObjects(
      Array.from({ length: 50 }, (_, i) => item(2000 + i, `later ${i}`, `later body ${i}`)),
    );
    expect(await store.destroyObject(itemId(1000))).toBe(true);
    expect(holders(path, 'xyzzymarkertitle')).toEqual([]);
    expect(holders(path, 'plughmarkerportion')).toEqual([]);
    expect(new Set((await store.search({ text: 'later', limit: 1000 })).map((h) => h.id)).size).toBe(50);
  });

  it("erases the item's wrapped data key from the files, so old ciphertext can never be opened", async () => {
    await store.putObjects([item(1000, 'title', 'portion')]);
    const raw = new SqliteDatabase(path, { readonly: true });
    const { wrapped_key: wrapped } = raw
      .prepare('SELECT wrapped_key FROM items WHERE id = ?')
      .get(itemId(1000)) as {
      wrapped_key: Buffer;
    };
    raw.close();
    const holdersOf = (bytes: Buffer) =>
      Object.entries(filesOf(path))
        .filter(([, b]) => b.includes(bytes))
        .map(([name]) => name);
    expect(holdersOf(wrapped).length).toBeGreaterThan(0);
    await store.destroyObject(itemId(1000));
    expect(holdersOf(wrapped)).toEqual([]);
  });

  it('erases an item stored before search texts moved into the content and before key wrap (GCM-wrapped key)', async () => {
    const nodeKey = newDataKey();
    const oldPath = join(dir, 'old.db');
    const old = await openStore({ sqlitePath: oldPath, nodeKey });
    const input = item(2000, 'quuxmarkertitle', 'fredmarkerportion');
    await old.putObjects([input]);
    await old.close();
    // Rewrite the item's rows as earlier versions stored them: content is the JSON alone, every search row
    // carries its own sealed text.
    const raw = new SqliteDatabase(oldPath);
    const id = itemId(2000);
    const { wrapped_key } = raw.prepare('SELECT wrapped_key FROM items WHERE id = ?').get(id) as {
      wrapped_key: Buffer;
    };
    const key = unwrap(nodeKey, wrapped_key, id);
    const v = raw.prepare('SELECT version, content FROM object_versions WHERE id = ?').get(id) as {
      version: string;
      content: Buffer;
    };
    const plain = open(key, v.content, `${id}\n${v.version}`).toString('utf8');
    expect(plain).toContain('\n'); // the texts now ride in the content
    raw
      .prepare('UPDATE object_versions SET content = ? WHERE id = ?')
      .run(seal(key, plain.slice(0, plain.indexOf('\n')), `${id}\n${v.version}`), id);
    const rows = raw
      .prepare('SELECT row_id FROM search_rows WHERE object_id = ? ORDER BY row_id')
      .all(id) as {
      row_id: number;
    }[];
    expect(rows).toHaveLength(2);
    rows.forEach((r, k) => {
      raw
        .prepare('UPDATE search_rows SET sealed_text = ? WHERE row_id = ?')
        .run(seal(key, input.index![k]!.text, `${id}\nsearch\n${r.row_id}`), r.row_id);
    });
    // Its data key as stores wrapped it before RFC 3394 key wrap: AES-256-GCM under the node key.
    raw.prepare('UPDATE items SET wrapped_key = ? WHERE id = ?').run(wrapGcm(nodeKey, key, id), id);
    raw.close();

    const reopened = await openStore({ sqlitePath: oldPath, nodeKey });
    try {
      expect((await reopened.getObject(id))?.object?.abstract).toBe('quuxmarkertitle');
      // A new version of the item is sealed with the same (GCM-unwrapped) data key.
      const next = item(2000, 'quuxmarkertitle', 'fredmarkerportion');
      next.object.modified = '2026-02-01T00:00:00.000Z';
      expect((await reopened.putObjects([next]))[0]?.status).toBe('added');
      expect((await reopened.getObject(id))?.object?.modified).toBe('2026-02-01T00:00:00.000Z');
      expect(holders(oldPath, 'quuxmarkertitle').length).toBeGreaterThan(0);
      expect(await reopened.destroyObject(id)).toBe(true);
    } finally {
      await reopened.close();
    }
    expect(holders(oldPath, 'quuxmarkertitle')).toEqual([]);
    expect(holders(oldPath, 'fredmarkerportion')).toEqual([]);
  });

  it('after bulk writes, checkpoints run in their own thread, and a destruction still leaves nothing behind', async () => {
    const bulk = (from: number) =>
      Array.from({ length: 1000 }, (_, i) => item(from + i, `bulk title ${i}`, `bulk body ${i}`));
    await store.putObjects(bulk(10_000)); // the first bulk commit starts the thread
    await store.putObjects([item(1000, 'xyzzymarkertitle alpha', 'plughmarkerportion bravo')]);
    const inMainFile = () => holders(path, 'xyzzymarkertitle').includes('relto.db');
    // Far below the writer's own automatic checkpoint: only the thread copies these pages into the main file.
    await store.putObjects(bulk(20_000));
    const deadline = Date.now() + 10_000;
    while (!inMainFile() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(inMainFile()).toBe(true);
    await store.putObjects(bulk(30_000)); // a checkpoint may well be running during the destruction
    expect(await store.destroyObject(itemId(1000))).toBe(true);
    expect(holders(path, 'xyzzymarkertitle')).toEqual([]);
    expect(holders(path, 'plughmarkerportion')).toEqual([]);
  });

  it('erases every term of a destroyed Japanese or Korean item, its bigrams included', async () => {
    await store.putObjects([item(1000, '竹島に関するxyzzycjkmarker報告', '독도에서 훈련')]);
    await store.putObjects([item(1001, '島の報告', 'filler')]);
    // FTS5 keeps a term's bytes after the prefix it shares with the term before it, so the index's own
    // vocabulary is read rather than the files' bytes (CJK characters share their leading UTF-8 bytes).
    const vocabulary = () => {
      const db = new SqliteDatabase(path);
      try {
        db.exec('CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search_fts, row)');
        return (db.prepare('SELECT term FROM temp.v').all() as { term: string }[]).map((r) => r.term);
      } finally {
        db.close();
      }
    };
    const own = ['竹島', '島に', '関す', '독도', '도에', '에서', '훈련', 'xyzzycjkmarker'];
    expect(vocabulary()).toEqual(expect.arrayContaining(own));
    expect(holders(path, 'xyzzycjkmarker').length).toBeGreaterThan(0);
    expect(await store.destroyObject(itemId(1000))).toBe(true);
    const left = vocabulary();
    expect(own.filter((t) => left.includes(t))).toEqual([]);
    expect(left).toEqual(expect.arrayContaining(['島', '島の', '報告']));
    expect(holders(path, 'xyzzycjkmarker')).toEqual([]);
    expect(await store.search({ text: '竹島' })).toEqual([]);
    expect((await store.search({ text: '報告' })).map((h) => h.id)).toEqual([itemId(1001)]);
  });

  it('also erases a destroyed item whose words are shared with items that stay', async () => {
    await store.putObjects([item(1000, 'sharedmarkerword unique1marker', 'x')]);
    await store.putObjects([item(1001, 'sharedmarkerword', 'y')]);
    await store.destroyObject(itemId(1000));
    expect(holders(path, 'unique1marker')).toEqual([]);
    expect((await store.search({ text: 'sharedmarkerword' })).map((h) => h.id)).toEqual([itemId(1001)]);
  });
});

function itemId(n: number): string {
  return `note--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
