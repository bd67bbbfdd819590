import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDataKey } from '../../keys/index.js';
import { queryWords } from '../terms.js';
import { termHasher, vectorBytes } from './hashed-terms.js';

const url = process.env.RELTO_PG_URL;

/** Reads vectorBytes' layout back: lexeme → positions. */
function readVector(b: Buffer): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let o = 4;
  for (let i = 0; i < b.readInt32BE(0); i++) {
    const end = b.indexOf(0, o);
    const lexeme = b.toString('utf8', o, end);
    o = end + 1;
    const n = b.readUInt16BE(o);
    o += 2;
    const list: number[] = [];
    for (let k = 0; k < n; k++, o += 2) list.push(b.readUInt16BE(o));
    out.set(lexeme, list);
  }
  expect(o).toBe(b.length);
  return out;
}

describe('vectorBytes', () => {
  it('keeps every distinct term with its positions, in order of first use', () => {
    expect([...readVector(vectorBytes(['ha', 'hb', 'ha', 'hc', 'ha']))]).toEqual([
      ['ha', [1, 3, 5]],
      ['hb', [2]],
      ['hc', [4]],
    ]);
    expect(readVector(vectorBytes([])).size).toBe(0);
  });

  it('keeps at most 255 positions of a term and caps positions at 16,383 (PostgreSQL limits)', () => {
    expect(readVector(vectorBytes(Array.from({ length: 300 }, () => 'ha'))).get('ha')).toHaveLength(255);
    const long = readVector(vectorBytes([...Array.from({ length: 16_390 }, (_, i) => `h${i}`), 'hz', 'hz']));
    expect(long.get('hz')).toEqual([16_383]);
    expect(long.get('h16389')).toEqual([16_383]);
  });
});

// The vector must be exactly what PostgreSQL's to_tsvector('simple', …) makes of the same hashed terms:
// searches and ts_rank read both the same way only if the stored vectors are identical.
describe.skipIf(!url)('vectorBytes on PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  const same = async (text: string) => {
    const terms = termHasher(newDataKey());
    const { rows } = await client.query(
      `SELECT to_tsvector('simple', $1)::text AS parsed, $2::tsvector::text AS sent`,
      [terms.text(text), terms.vector(text)],
    );
    expect(rows[0].sent).toBe(rows[0].parsed);
  };

  it('equals to_tsvector of the hashed terms for any text', async () => {
    const word = fc.constantFrom('modbus', 'PLC', 'firmware', 'Ünïcode', '北朝鮮', 'x1', '42', 'a-b', 'e');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(word, fc.string()), { maxLength: 60 }), async (parts) => {
        await same(parts.join(' '));
      }),
      { numRuns: 200 },
    );
  });

  it('equals to_tsvector past 255 repeats and past position 16,383', async () => {
    await same(Array.from({ length: 400 }, () => 'again').join(' '));
    await same(Array.from({ length: 17_000 }, (_, i) => `w${i % 5000}`).join(' '));
  });

  const finds = async (text: string, query: string) => {
    const terms = termHasher(newDataKey());
    const { rows } = await client.query(`SELECT $1::tsvector @@ to_tsquery('simple', $2) AS hit`, [
      terms.vector(text),
      terms.query(queryWords(query)),
    ]);
    return rows[0].hit as boolean;
  };

  it('finds a CJK word as its adjacent bigrams, and not when its bigrams stand apart', async () => {
    expect(await finds('竹島に関する報告', '竹島に関する')).toBe(true);
    expect(await finds('独島、竹島に関する', '竹島')).toBe(true);
    expect(await finds('東京と京都', '東京都')).toBe(false);
    expect(await finds('東京と京都', '東京 京都')).toBe(true);
  });

  it('finds a CJK word in a row too long for PostgreSQL to keep every position', async () => {
    // 16,383 positions at most: past them, and past 255 repeats of a term, adjacency cannot be told.
    const long = `${'あいう'.repeat(3_000)}弾道ミサイル発射`;
    expect(await finds(long, 'ミサイル')).toBe(true);
    expect(await finds(`${'ミサ '.repeat(300)}ミサイル`, 'ミサイル')).toBe(true);
    expect(await finds(long, 'ミサ発')).toBe(false);
  });
});
