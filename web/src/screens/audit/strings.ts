import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Audit' },
  ko: { title: 'Audit' },
  ja: { title: 'Audit' },
};
