import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newDataKey } from '../../keys/index.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { indexTerms } from '../terms.js';
import { report } from '../test-support/fixtures.js';
import { ftsText } from './search-scan.js';

/** The tokens FTS5's unicode61 (as the store configures it) makes of each text, in order. */
function fts5Tokens(texts: string[]): string[][] {
  const db = new SqliteDatabase(':memory:');
  try {
    db.exec(`CREATE VIRTUAL TABLE f USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')`);
    texts.forEach((t, i) => {
      db.prepare('INSERT INTO f(rowid, text) VALUES(?, ?)').run(i + 1, t);
    });
    const rows = db.prepare('SELECT doc, term FROM v ORDER BY doc, offset').all() as {
      doc: number;
      term: string;
    }[];
    return texts.map((_, i) => rows.filter((r) => r.doc === i + 1).map((r) => r.term));
  } finally {
    db.close();
  }
}

describe('what FTS5 is given to index', () => {
  it('makes FTS5 hold exactly the index terms of a text with CJK runs', () => {
    const piece = fc.constantFrom(
      '竹島に関する',
      '독도에서',
      '弾道ミサイル発射',
      'ﾐｻｲﾙ',
      '2024年',
      'DPRKの',
      'Missile',
      'launch',
      '、',
      '。',
      ' ',
      '-',
      '「',
      '𠮷野',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(fts5Tokens([ftsText(text)])[0]).toEqual(indexTerms(text));
      }),
      { numRuns: 300 },
    );
  });

  it('gives a text without CJK unchanged, as rows were indexed before', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (t) => {
        fc.pre(!/[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Hang}]/u.test(t.normalize('NFKC')));
        expect(ftsText(t)).toBe(t);
      }),
    );
  });
});

describe('migration 0010: rows indexed before CJK runs were split', () => {
  let dir: string;
  let path: string;
  const nodeKey = newDataKey();
  let store: Store | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relto-terms-'));
    path = join(dir, 'relto.db');
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every term the index holds (a temporary vocabulary table over the store's FTS5 index). */
  const vocabulary = (): string[] => {
    const db = new SqliteDatabase(path);
    try {
      db.exec(`CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search_fts, row)`);
      return (db.prepare('SELECT term FROM temp.v').all() as { term: string }[]).map((r) => r.term);
    } finally {
      db.close();
    }
  };

  /** The store as the version before 0010 left it: each CJK row indexed by its whole text, 0010 not run. */
  const asBefore = (rows: { text: string }[]) => {
    const db = new SqliteDatabase(path);
    try {
      const ids = db.prepare('SELECT row_id FROM search_rows ORDER BY row_id').all() as { row_id: number }[];
      ids.forEach(({ row_id }, k) => {
        const { text } = rows[k]!;
        db.prepare(`INSERT INTO search_fts(search_fts, rowid, text) VALUES('delete', ?, ?)`).run(
          row_id,
          ftsText(text),
        );
        db.prepare('INSERT INTO search_fts(rowid, text) VALUES(?, ?)').run(row_id, text);
      });
      db.prepare(`DELETE FROM meta WHERE key = 'search_terms'`).run();
      db.prepare(`DELETE FROM relto_migrations WHERE name >= '0010'`).run();
    } finally {
      db.close();
    }
  };

  it('indexes them again by their bigrams, so they are found and their destruction leaves no term', async () => {
    const cjk = report({ name: '竹島に関する報告書', portion: '독도에서 훈련' });
    const latin = report({ name: 'missile launch' });
    store = await openStore({ sqlitePath: path, nodeKey });
    await store.putObjects([cjk, latin]);
    await store.close();
    store = undefined;
    asBefore([{ text: '竹島に関する報告書' }, { text: '독도에서 훈련' }, { text: 'missile launch' }]);
    expect(vocabulary()).toEqual(expect.arrayContaining(['竹島に関する報告書', '독도에서']));

    store = await openStore({ sqlitePath: path, nodeKey });
    expect(vocabulary()).not.toContain('竹島に関する報告書');
    expect(vocabulary()).not.toContain('독도에서');
    expect((await store.search({ text: '竹島' })).map((h) => h.id)).toEqual([cjk.object.id]);
    expect((await store.search({ text: '독도' })).map((h) => h.id)).toEqual([cjk.object.id]);
    expect((await store.search({ text: 'launch' })).map((h) => h.id)).toEqual([latin.object.id]);

    expect(await store.destroyObject(cjk.object.id)).toBe(true);
    expect(vocabulary().sort()).toEqual(['launch', 'missile']);
  });

  it('never indexes a row twice when run again', async () => {
    const cjk = report({ name: '弾道ミサイル発射' });
    store = await openStore({ sqlitePath: path, nodeKey });
    await store.putObjects([cjk]);
    await store.close();
    store = undefined;
    const db = new SqliteDatabase(path);
    db.prepare(`DELETE FROM relto_migrations WHERE name >= '0010'`).run();
    db.close();
    store = await openStore({ sqlitePath: path, nodeKey });
    expect((await store.search({ text: 'ミサイル' })).map((h) => h.id)).toEqual([cjk.object.id]);
    expect(await store.destroyObject(cjk.object.id)).toBe(true);
    expect(vocabulary()).toEqual([]);
  });
});
