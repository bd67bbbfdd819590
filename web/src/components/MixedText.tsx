import { useTranslation } from 'react-i18next';
import { scriptRuns } from './script-runs.js';

/** A line mixing languages, each Korean or Japanese run in a page of another language marked with its `lang`. */
export function MixedText({ text }: { text: string }) {
  const { i18n } = useTranslation();
  return (
    <>
      {scriptRuns(text, i18n.language).map((r, i) =>
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
