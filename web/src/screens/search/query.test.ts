import { describe, expect, it } from 'vitest';
import { searchBody } from './query.js';

describe("the search screen's query", () => {
  it('sends the words and each filter the address names, dates as whole days', () => {
    const body = searchBody(
      new URLSearchParams(
        'q=launch&type=report&originator=KOR&topic=DPRK-MISSILE&level=GOKUHI&from=2026-03-01&to=2026-03-02',
      ),
    );
    expect(body).toEqual({
      text: 'launch',
      limit: 100,
      types: ['report'],
      originators: ['KOR'],
      topics: ['DPRK-MISSILE'],
      level: 'GOKUHI',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-02T23:59:59.999Z',
    });
  });

  it('sends no filter the address leaves empty', () => {
    expect(searchBody(new URLSearchParams('q=&type='))).toEqual({ text: '', limit: 100 });
  });
});
