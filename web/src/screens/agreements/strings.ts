import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Agreements' },
  ko: { title: 'Agreements' },
  ja: { title: 'Agreements' },
};
