import { visibleBidi } from './Text.js';

/**
 * A line that mixes languages (a banner: `極秘 〔大韓民国：군사II급비밀〕 // …`) cut into runs, each Korean or
 * Japanese run that is not the page's language marked with its own `lang` (WCAG 3.1.2). A run starts and ends
 * on a letter of its script and takes in what lies between (군사II급비밀 is one Korean run).
 */
const HANGUL = '\\uac00-\\ud7af\\u1100-\\u11ff\\u3130-\\u318f';
const JAPANESE = '\\u3040-\\u30ff\\u31f0-\\u31ff\\u4e00-\\u9fff\\u3005\\u3006';
const RUN = new RegExp(
  `([${HANGUL}](?:[${HANGUL}A-Za-z0-9 ]*[${HANGUL}])?)|([${JAPANESE}](?:[${JAPANESE}\\u30fc]*[${JAPANESE}])?)`,
  'g',
);

export interface Run {
  text: string;
  lang?: 'ko' | 'ja';
}

export function scriptRuns(text: string, pageLang: string): Run[] {
  const shown = visibleBidi(text);
  const runs: Run[] = [];
  let at = 0;
  const push = (t: string, lang?: 'ko' | 'ja') => {
    if (!t) return;
    const last = runs.at(-1);
    if (last && last.lang === lang) last.text += t;
    else runs.push(lang ? { text: t, lang } : { text: t });
  };
  for (const m of shown.matchAll(RUN)) {
    push(shown.slice(at, m.index));
    const lang = m[1] ? 'ko' : 'ja';
    push(m[0], lang === pageLang ? undefined : lang);
    at = m.index + m[0].length;
  }
  push(shown.slice(at));
  return runs;
}
