import { afterEach, describe, expect, it, vi } from 'vitest';
import { get, seed, sentWithPage } from './client.js';

describe('answers the node sent with the page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("are the screen's first render and its first get, once; a later get asks the node", async () => {
    const report = { item: { id: 'report--1' } };
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify({ item: { id: 'report--1', fresh: true } }), { status: 200 });
    });
    seed({ '/items/report--1?lang=ja': report });
    expect(sentWithPage('/items/report--1?lang=ja')).toBe(report);
    expect(sentWithPage('/items/report--1?lang=ja')).toBeUndefined(); // taken
    expect(await get('/items/report--1?lang=ja')).toBe(report); // the same value, nothing asked
    expect(asked).toEqual([]);
    expect(await get('/items/report--1?lang=ja')).toEqual({ item: { id: 'report--1', fresh: true } });
    expect(asked).toEqual(['/api/v1/items/report--1?lang=ja']);
  });

  it('never stand in for another path', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ other: true }), { status: 200 }));
    seed({ '/registry': { parties: [] } });
    expect(sentWithPage('/items/report--2?lang=en')).toBeUndefined();
    expect(await get('/items/report--2?lang=en')).toEqual({ other: true });
  });
});
