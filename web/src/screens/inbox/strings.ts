import type { Strings } from '../../i18n/strings.js';

export const strings: Strings = {
  en: { title: 'Inbox' },
  ko: { title: 'Inbox' },
  ja: { title: 'Inbox' },
};
