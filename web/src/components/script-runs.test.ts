import { describe, expect, it } from 'vitest';
import { scriptRuns } from './script-runs.js';

describe('a banner mixing languages', () => {
  it("marks the Korean original inside a Japanese page as Korean, and nothing of the page's own language", () => {
    expect(scriptRuns('極秘 〔大韓民国：군사II급비밀〕 // 提供可能：大韓民国、日本国', 'ja')).toEqual([
      { text: '極秘 〔大韓民国：' },
      { text: '군사II급비밀', lang: 'ko' },
      { text: '〕 // 提供可能：大韓民国、日本国' },
    ]);
  });

  it('marks Korean and Japanese runs inside an English page', () => {
    expect(scriptRuns('SECRET [JPN: 極秘 (gokuhi)] // 군사II급비밀', 'en')).toEqual([
      { text: 'SECRET [JPN: ' },
      { text: '極秘', lang: 'ja' },
      { text: ' (gokuhi)] // ' },
      { text: '군사II급비밀', lang: 'ko' },
    ]);
  });

  it('shows bidi controls as text', () => {
    expect(scriptRuns('a\u202eb', 'en')).toEqual([{ text: 'a⟦U+202E⟧b' }]);
  });
});
