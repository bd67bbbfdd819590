import { describe, expect, it } from 'vitest';
import { langAttr, langOfText, visibleBidi } from './Text.js';

describe('text from outside shows as text', () => {
  it('makes a right-to-left override visible instead of letting it reorder the line', () => {
    const shown = visibleBidi('invoice\u202Eexe.pdf');
    expect(shown).not.toMatch(/[\u202A-\u202E]/);
    expect(shown).toBe('invoice⟦U+202E⟧exe.pdf');
  });
  it('reads the language of Korean and Japanese passages from their script', () => {
    expect(langOfText('군사II급비밀')).toBe('ko');
    expect(langOfText('極秘 〔大韓民国〕 の報告')).toBe('ja');
    expect(langOfText('SECRET')).toBeNull();
  });
  it('marks a Korean passage inside a Japanese page, and nothing inside a Korean page', () => {
    expect(langAttr('군사II급비밀', 'ja')).toBe('ko');
    expect(langAttr('군사II급비밀', 'ko')).toBeUndefined();
    expect(langAttr('SECRET', 'ko')).toBeUndefined();
  });
});
