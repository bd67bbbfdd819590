import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Custody' },
  ko: { title: 'Custody' },
  ja: { title: 'Custody' },
};
