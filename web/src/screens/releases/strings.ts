import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Releases' },
  ko: { title: 'Releases' },
  ja: { title: 'Releases' },
};
