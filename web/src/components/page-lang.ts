import i18next from 'i18next';
import { useContext } from 'react';
import { SessionContext } from '../app/session.js';

/**
 * The page's language, for the many passages that only need to compare their own with it: read from the
 * session (one context) rather than a translation hook per passage, which a 200-paragraph report would pay
 * for 400 times.
 */
export function usePageLang(): string {
  return useContext(SessionContext)?.lang ?? i18next.language;
}
