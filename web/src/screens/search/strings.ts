import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Search' },
  ko: { title: 'Search' },
  ja: { title: 'Search' },
};
