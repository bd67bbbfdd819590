import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'People' },
  ko: { title: 'People' },
  ja: { title: 'People' },
};
