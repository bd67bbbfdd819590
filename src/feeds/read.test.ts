import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { FeedProblem } from './problem.js';
import { decodeFeed, plainText, readFeed } from './read.js';
import { itemKeys, normaliseLink } from './report.js';

const rss = (items: string, encoding = 'UTF-8') => `<?xml version="1.0" encoding="${encoding}"?>
<rss version="2.0"><channel><title>Seoul Daily</title><link>https://news.example/</link><description>d</description>
${items}
</channel></rss>`;

const problem = (f: () => unknown): FeedProblem => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FeedProblem);
    return e as FeedProblem;
  }
  throw new Error('no FeedProblem thrown');
};

describe('reading a feed', () => {
  it('reads RSS 2.0 items: title and text as published, markup removed, the date as ISO', () => {
    const feed = readFeed(
      rss(`<item><title>North Korea fires a ballistic missile</title>
<link>https://news.example/a?utm_source=x</link><guid isPermaLink="false">tag:news.example,2026:a</guid>
<pubDate>Mon, 07 Dec 2026 10:00:00 +0900</pubDate>
<description>&lt;p&gt;The missile flew &lt;b&gt;about&lt;/b&gt; 1,000 km &amp;amp; fell&lt;/p&gt;&lt;p&gt;east of the peninsula.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description></item>`),
    );
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Seoul Daily');
    expect(feed.items).toEqual([
      {
        guid: 'tag:news.example,2026:a',
        link: 'https://news.example/a?utm_source=x',
        title: 'North Korea fires a ballistic missile',
        text: 'The missile flew about 1,000 km & fell\neast of the peninsula.',
        published: '2026-12-07T01:00:00.000Z',
      },
    ]);
  });

  it('keeps only http(s) links: a javascript: or data: link is dropped, the item kept', () => {
    const feed = readFeed(
      rss(
        [
          '<item><title>One</title><link>javascript:alert(document.cookie)</link></item>',
          '<item><title>Two</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link></item>',
          '<item><title>Three</title><link>https://news.example/3</link></item>',
        ].join(''),
      ),
    );
    expect(feed.items.map((i) => [i.title, i.link])).toEqual([
      ['One', undefined],
      ['Two', undefined],
      ['Three', 'https://news.example/3'],
    ]);
  });

  it('keeps a text without markup byte for byte', () => {
    const text = '합참은 북한이  동해상으로 탄도미사일을 발사했다고 밝혔다. 防衛省は…';
    const feed = readFeed(rss(`<item><title>${text}</title><description>${text}</description></item>`));
    expect(feed.items[0]!.title).toBe(text);
    expect(feed.items[0]!.text).toBe(text);
    expect(plainText('  two  spaces  ')).toBe('two  spaces');
  });

  it('reads RSS 1.0 (RDF) and Atom 1.0', () => {
    const rdf = readFeed(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://tokyo.example/"><title>Tokyo Wire</title><link>https://tokyo.example/</link><description>d</description></channel>
<item rdf:about="https://tokyo.example/1"><title>防衛相が会見</title><link>https://tokyo.example/1</link><description>本文</description><dc:date>2026-12-07T09:00:00+09:00</dc:date></item>
</rdf:RDF>`);
    expect(rdf.format).toBe('rdf');
    expect(rdf.items[0]).toMatchObject({
      guid: 'https://tokyo.example/1',
      title: '防衛相が会見',
      text: '本文',
    });
    expect(rdf.items[0]!.published).toBe('2026-12-07T00:00:00.000Z');
    const atom = readFeed(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Washington Brief</title><id>urn:x</id><updated>2026-12-07T00:00:00Z</updated>
<entry><title>Talks in Washington</title><id>urn:uuid:1</id><updated>2026-12-07T00:00:00Z</updated>
<link rel="alternate" href="https://dc.example/talks"/><summary type="html">&lt;p&gt;Allies met.&lt;/p&gt;</summary></entry></feed>`);
    expect(atom.format).toBe('atom');
    expect(atom.items[0]).toMatchObject({
      guid: 'urn:uuid:1',
      link: 'https://dc.example/talks',
      title: 'Talks in Washington',
      text: 'Allies met.',
    });
  });

  it('reads EUC-KR and Shift_JIS feeds as they declare, and ISO-2022-JP', () => {
    const ko = '북한, 동해상으로 미사일 발사';
    const euc = iconv.encode(rss(`<item><title>${ko}</title></item>`, 'EUC-KR'), 'euc-kr');
    expect(readFeed(decodeFeed(euc)).items[0]!.title).toBe(ko);
    const ja = '北朝鮮が弾道ミサイルを発射';
    const sjis = iconv.encode(rss(`<item><title>${ja}</title></item>`, 'Shift_JIS'), 'shift_jis');
    expect(readFeed(decodeFeed(sjis)).items[0]!.title).toBe(ja);
    // the HTTP header's charset wins over the declaration
    const [head, tail] = rss('<item><title>@</title></item>', 'ISO-2022-JP').split('@') as [string, string];
    // 日本 in ISO-2022-JP: ESC $ B, two JIS X 0208 characters, ESC ( B
    const jis = Buffer.concat([
      Buffer.from(head),
      Buffer.from('1b2442467c4b5c1b2842', 'hex'),
      Buffer.from(tail),
    ]);
    expect(readFeed(decodeFeed(jis, 'application/rss+xml; charset=ISO-2022-JP')).items[0]!.title).toBe(
      '日本',
    );
    expect(problem(() => decodeFeed(Buffer.from('x'), 'text/xml; charset=x-klingon')).kind).toBe('charset');
  });

  it('refuses a billion-laughs document and an XXE reference before parsing anything', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title><link>x</link><description>d</description></channel></rss>`;
    expect(problem(() => readFeed(laughs)).kind).toBe('dtd');
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&x;</title><link>x</link><description>d</description></channel></rss>`;
    expect(problem(() => readFeed(xxe)).kind).toBe('dtd');
  });

  it('refuses malformed XML and a document that is no feed, saying so', () => {
    expect(problem(() => readFeed('<rss version="2.0"><channel><title>x</title>')).kind).toBe('malformed');
    expect(problem(() => readFeed('<rss version="2.0"><channel><title>x</titl></channel></rss>')).kind).toBe(
      'malformed',
    );
    expect(problem(() => readFeed('<html><body>not a feed</body></html>')).kind).toBe('malformed');
  });

  it('takes every item of a feed, also items sharing one timestamp', () => {
    const same = 'Mon, 07 Dec 2026 10:00:00 +0900';
    const items = Array.from(
      { length: 5 },
      (_, n) => `<item><title>Item ${n}</title><guid>g${n}</guid><pubDate>${same}</pubDate></item>`,
    ).join('');
    expect(readFeed(rss(items)).items.map((i) => i.guid)).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
  });
});

describe('the keys an item is known by', () => {
  it('normalises links: scheme and host case, fragment, tracking parameters, trailing slash', () => {
    expect(normaliseLink('HTTPS://News.Example/a/?utm_source=rss&b=2&a=1#top')).toBe(
      'news.example/a?a=1&b=2',
    );
    expect(normaliseLink('http://news.example/a')).toBe('news.example/a');
    expect(normaliseLink('javascript:alert(1)')).toBeNull();
  });

  it('scopes a bare GUID to its feed and shares a URL-like one across feeds', () => {
    const item = { guid: '1234', title: 't', text: 'x' };
    expect(itemKeys('f1', item)[0]).toBe('guid:f1:1234');
    expect(itemKeys('f1', { ...item, guid: 'https://a.example/1' })[0]).toBe('guid:https://a.example/1');
    // the same text in two feeds has one key
    expect(itemKeys('f1', item).at(-1)).toBe(itemKeys('f2', item).at(-1));
  });
});
