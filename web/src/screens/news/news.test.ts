import { describe, expect, it } from 'vitest';
import { appendPage, type Entity, type NewsItem, newsPath, segments, topicChoices } from './news.js';

const TEXT = '해경은 독도 인근에서 조사선을 확인했다. 日本政府は竹島について抗議した。';

function entity(id: string, name: string, mentions: [number, number][]): Entity {
  return { id, kind: 'place', name, mentions: mentions.map(([start, end]) => ({ start, end })) };
}

function item(id: string, topics: string[] = []): NewsItem {
  return { id, headline: id, source: 's', added: '2026-12-07T00:00:00Z', topics, places: [] };
}

describe('the text of a news item with its mentions marked', () => {
  it('keeps every character as published: the segments joined are the text', () => {
    const start = TEXT.indexOf('竹島');
    const dokdo = entity('location--1', '竹島', [
      [4, 6],
      [start, start + 2],
    ]);
    const parts = segments(TEXT, [dokdo]);
    expect(parts.map((p) => p.text).join('')).toBe(TEXT);
    expect(parts.filter((p) => p.entity).map((p) => p.text)).toEqual(['독도', '竹島']);
    // the reader's name is the entity's, never written into the text
    expect(parts.every((p) => p.entity === undefined || p.entity.name === '竹島')).toBe(true);
  });

  it('marks mentions in text order, leaves overlapping and out-of-range ones unmarked', () => {
    const a = entity('a', 'A', [[10, 14]]);
    const b = entity('b', 'B', [
      [4, 6],
      [12, 16],
      [500, 502],
    ]);
    const parts = segments(TEXT, [a, b]);
    expect(parts.map((p) => p.text).join('')).toBe(TEXT);
    expect(parts.filter((p) => p.entity).map((p) => [p.entity!.id, p.text])).toEqual([
      ['b', TEXT.slice(4, 6)],
      ['a', TEXT.slice(10, 14)],
    ]);
  });

  it('gives a text without mentions, or an empty one, as one segment', () => {
    expect(segments('plain', [])).toEqual([{ text: 'plain' }]);
    expect(segments('', [])).toEqual([{ text: '' }]);
  });
});

describe('the news list', () => {
  it('asks for a page in the reader’s language, with the topics and the token of where it goes on', () => {
    expect(newsPath('ko', [])).toBe('/news?lang=ko&limit=50');
    expect(newsPath('ja', ['DPRK-MISSILE', 'OSINT'], 'YTE')).toBe(
      '/news?lang=ja&limit=50&topic=DPRK-MISSILE&topic=OSINT&next=YTE',
    );
  });

  it('appends an older page without repeating an item already listed', () => {
    expect(appendPage([item('a'), item('b')], [item('b'), item('c')]).map((n) => n.id)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('offers the node’s topics and those of the news shown, each once, sorted', () => {
    expect(topicChoices(['OSINT', 'DPRK-MISSILE'], [item('a', ['ALLIANCE', 'OSINT'])])).toEqual([
      'ALLIANCE',
      'DPRK-MISSILE',
      'OSINT',
    ]);
  });
});
