import { describe, expect, it } from 'vitest';
import { type BriefContent, composeBrief } from './compose.js';

const content = (over: Partial<BriefContent> = {}): BriefContent => ({
  lang: 'en',
  party: 'Republic of Korea',
  date: '2026-12-08',
  headlines: [],
  counts: [],
  topicName: (id) => ({ 'DPRK-MISSILE': 'North Korean missiles' })[id] ?? id,
  workspaceUrl: 'https://relto.example/inbox',
  unsubscribeUrl: 'https://relto.example/brief/unsubscribe?token=t',
  ...over,
});

describe('a brief as text and HTML', () => {
  it('groups headlines by topic, then by the first place each names, newest first, each with its source', () => {
    const mail = composeBrief(
      content({
        headlines: [
          {
            id: 'a',
            headline: 'Older launch',
            source: 'Wire',
            topics: ['DPRK-MISSILE'],
            places: ['East Sea'],
            added: '2026-12-08T01:00:00Z',
          },
          {
            id: 'b',
            headline: 'Newer launch',
            source: 'Post',
            topics: ['DPRK-MISSILE'],
            places: ['East Sea', 'Japan'],
            added: '2026-12-08T02:00:00Z',
          },
          {
            id: 'c',
            headline: 'Talks <b>held</b> & done',
            source: 'Daily',
            topics: [],
            places: [],
            added: '2026-12-08T03:00:00Z',
          },
        ],
      }),
    );
    expect(mail.subject).toBe('relto daily brief, 2026-12-08');
    expect(mail.text).toContain(
      '== North Korean missiles ==\n-- East Sea\n* Newer launch\n  Source: Post · Places: East Sea, Japan\n* Older launch\n  Source: Wire · Places: East Sea\n',
    );
    expect(mail.text).toContain('== General ==\n-- No place named\n* Talks <b>held</b> & done\n');
    // The HTML holds the headline as text, never as markup.
    expect(mail.html).toContain('Talks &lt;b&gt;held&lt;/b&gt; &amp; done');
    expect(mail.html).not.toContain('<b>held</b>');
  });

  it('links only web addresses: a javascript: link stays out of the mail', () => {
    const mail = composeBrief(
      content({
        headlines: [
          {
            id: 'a',
            headline: 'Bad link',
            source: 'Wire',
            url: 'javascript:alert(1)',
            topics: [],
            places: [],
            added: '2026-12-08T01:00:00Z',
          },
          {
            id: 'b',
            headline: 'Good link',
            source: 'Wire',
            url: 'https://news.example/b',
            topics: [],
            places: [],
            added: '2026-12-08T02:00:00Z',
          },
        ],
      }),
    );
    expect(mail.html).not.toContain('javascript:');
    expect(mail.text).not.toContain('javascript:');
    expect(mail.html).toContain('<a href="https://news.example/b">Good link</a>');
  });

  it('says so when there is no news and nothing classified; counts come with the workspace link only', () => {
    const empty = composeBrief(content({ lang: 'ja', party: '日本国' }));
    expect(empty.text).toContain('過去24時間、購読トピックの公開情報ニュースはありません。');
    expect(empty.text).toContain('過去24時間、新たに閲覧できる秘密区分の資料はありません。');
    const counted = composeBrief(content({ counts: [{ partner: 'Japan', level: 'SECRET', count: 2 }] }));
    expect(counted.text).toContain('* Japan, SECRET: 2');
    expect(counted.text).toContain('Open the workspace: https://relto.example/inbox');
  });
});
