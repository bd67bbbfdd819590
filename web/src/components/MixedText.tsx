import { usePageLang } from './page-lang.js';
import { scriptRuns } from './script-runs.js';

/** A line mixing languages, each Korean or Japanese run in a page of another language marked with its `lang`. */
export function MixedText({ text }: { text: string }) {
  const pageLang = usePageLang();
  return (
    <>
      {scriptRuns(text, pageLang).map((r, i) =>
        r.lang ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: runs are positions in one fixed line
          <span key={i} lang={r.lang}>
            {r.text}
          </span>
        ) : (
          r.text
        ),
      )}
    </>
  );
}
