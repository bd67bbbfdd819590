import { useTranslation } from 'react-i18next';
import { isLang, LANG_NAMES, LANGS, type Lang } from '../i18n/index.js';

/** The combobox "Language", each option named in its own language (and marked so, for screen readers). */
export function LanguageChooser({ lang, onLang }: { lang: Lang; onLang: (l: Lang) => void }) {
  const { t } = useTranslation();
  return (
    <select
      className="lang"
      aria-label={t('language')}
      value={lang}
      onChange={(e) => isLang(e.target.value) && onLang(e.target.value)}
    >
      {LANGS.map((l) => (
        <option key={l} value={l} lang={l}>
          {LANG_NAMES[l]}
        </option>
      ))}
    </select>
  );
}
