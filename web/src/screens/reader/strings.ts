import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Reader' },
  ko: { title: 'Reader' },
  ja: { title: 'Reader' },
};
