import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Map' },
  ko: { title: 'Map' },
  ja: { title: 'Map' },
};
