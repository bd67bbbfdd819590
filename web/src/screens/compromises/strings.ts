import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Compromises' },
  ko: { title: 'Compromises' },
  ja: { title: 'Compromises' },
};
