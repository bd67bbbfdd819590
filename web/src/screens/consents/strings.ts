import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Consents' },
  ko: { title: 'Consents' },
  ja: { title: 'Consents' },
};
