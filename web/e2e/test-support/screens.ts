import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './browser.js';
import type { Lang } from './names.js';

/** Where the screenshots go (`artifacts/` is not committed). */
export const SCREENS_DIR = join(ROOT, 'artifacts', 'screens');

/** Writes `artifacts/screens/<lang>-<screen>.png` of the page as it is (the viewport, 1280×800). */
export async function screenshot(page: Page, lang: Lang, screen: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${lang}-${screen}.png`);
  await page.screenshot({ path });
  return path;
}

/** A text node whose language is not the one its closest `lang` ancestor says. */
export interface LangMismatch {
  text: string;
  script: 'ko' | 'ja' | 'cjk';
  closestLang: string | null;
}

/**
 * WCAG 3.1.2 (which axe does not check): every Korean or Japanese passage shown inside a page of another
 * language carries its own `lang`. Hangul is Korean, kana Japanese; ideographs alone (極秘) are Korean or
 * Japanese, never English; a node mixing Hangul and kana is taken as either (a label line such as
 * `極秘 〔大韓民国：군사II급비밀〕` is one passage in the reader's language).
 */
export function langMismatches(page: Page): Promise<LangMismatch[]> {
  return page.evaluate(() => {
    const hangul = /[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]/;
    const kana = /[\u3040-\u30ff\u31f0-\u31ff]/;
    const han = /[\u4e00-\u9fff]/;
    const out: { text: string; script: 'ko' | 'ja' | 'cjk'; closestLang: string | null }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const parent = n.parentElement;
      if (!parent || parent.closest('script, style, noscript, [hidden], [aria-hidden="true"]')) continue;
      const ko = hangul.test(text);
      const ja = kana.test(text);
      const script = ko && !ja ? 'ko' : ja && !ko ? 'ja' : ko || ja || han.test(text) ? 'cjk' : null;
      if (!script) continue;
      const closestLang = (parent.closest('[lang]')?.getAttribute('lang') ?? '').toLowerCase() || null;
      const base = closestLang?.split('-')[0] ?? null;
      const ok = script === 'cjk' ? base === 'ko' || base === 'ja' : base === script;
      if (!ok) out.push({ text: text.slice(0, 80), script, closestLang });
    }
    return out;
  });
}
