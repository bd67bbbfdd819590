import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Partners' },
  ko: { title: 'Partners' },
  ja: { title: 'Partners' },
};
