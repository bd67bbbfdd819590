import { usePageLang } from './page-lang.js';

/**
 * Text from outside the workspace (a report's title and paragraphs, a partner's names, a note) shown as text
 * and nothing else. React already escapes it; this also makes bidirectional-override controls visible, so a
 * paragraph cannot reorder how its own or its neighbours' words read, and marks the passage's language when
 * its script is not the page's (WCAG 3.1.2: a Korean passage in a Japanese page says it is Korean).
 */

// Embedding, override and isolate controls (LRE … RLO, LRI … PDI) and the marks (LRM, RLM, ALM).
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

export function visibleBidi(text: string): string {
  return text.replace(BIDI, (c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟧`);
}

/** The language a passage's script says it is in: Hangul is Korean, kana Japanese; null when it says nothing. */
export function langOfText(text: string): 'ko' | 'ja' | null {
  if (/[\u3040-\u30ff\u31f0-\u31ff]/.test(text)) return 'ja';
  if (/[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/.test(text)) return 'ko';
  return null;
}

/** The `lang` a passage needs inside a page of `pageLang`: its own when its script says another, else none. */
export function langAttr(text: string, pageLang: string, known?: string | null): string | undefined {
  const lang = known ?? langOfText(text);
  if (!lang) return /[\u4e00-\u9fff]/.test(text) && pageLang === 'en' ? 'ja' : undefined;
  return lang === pageLang ? undefined : lang;
}

export function Text({
  text,
  lang,
  as: Tag = 'span',
  className,
}: {
  text: string;
  /** The passage's language when known (a STIX `lang`), else read from its script. */
  lang?: string | null;
  as?: 'span' | 'p' | 'div' | 'h1' | 'h2' | 'h3' | 'td';
  className?: string;
}) {
  const pageLang = usePageLang();
  return (
    <Tag lang={langAttr(text, pageLang, lang)} className={className}>
      {visibleBidi(text)}
    </Tag>
  );
}
