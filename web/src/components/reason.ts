import i18next from 'i18next';

/**
 * A decision's reason in the reader's language, by its stable code; a code this page has no words for (a
 * newer node) shows as the node worded it, in English. `lang` is what to mark the text with (undefined: the
 * page's own language).
 */
export function reasonText(r: { code?: string; message?: string }): { text: string; lang?: 'en' } {
  const key = `common:reason.${r.code ?? ''}`;
  if (r.code && i18next.exists(key)) return { text: i18next.t(key) };
  return { text: r.message || r.code || '', lang: 'en' };
}
