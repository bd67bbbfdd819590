import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Write' },
  ko: { title: 'Write' },
  ja: { title: 'Write' },
};
