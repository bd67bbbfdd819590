import i18next, { type Resource } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { reasonCodes } from '../../../src/errors/codes.js';
import { LANGS, namespaces } from '../i18n/index.js';
import { reasonText } from './reason.js';

// The workspace's strings in i18next as the page starts it (without a document to mark with the language).
const setLang = (lang: string) => i18next.changeLanguage(lang);

describe("a decision's reasons in the reader's language", () => {
  beforeAll(async () => {
    const resources: Resource = {};
    for (const l of LANGS) resources[l] = {};
    for (const [ns, strings] of Object.entries(namespaces()))
      for (const l of LANGS) resources[l]![ns] = strings[l];
    await i18next.init({ resources, lng: 'en', fallbackLng: false, defaultNS: 'common' });
  });

  it('words every reason code the node gives, in English exactly as the node does', async () => {
    await setLang('en');
    for (const [code, { message }] of Object.entries(reasonCodes)) {
      expect(reasonText({ code, message }), code).toEqual({ text: message });
    }
  });

  it('in Korean and Japanese, words of their own for every code, marked in the page’s language', async () => {
    for (const lang of ['ko', 'ja'] as const) {
      await setLang(lang);
      for (const [code, { message }] of Object.entries(reasonCodes)) {
        const r = reasonText({ code, message });
        expect(r.lang, `${lang} ${code}`).toBeUndefined();
        expect(r.text, `${lang} ${code}`).not.toBe(message);
        expect(r.text, `${lang} ${code}`).toMatch(
          lang === 'ko' ? /[\uac00-\ud7af]/ : /[\u3040-\u30ff\u4e00-\u9fff]/,
        );
      }
    }
  });

  it('shows a code this page has no words for as the node worded it, marked English', async () => {
    await setLang('ja');
    expect(reasonText({ code: 'A_NEWER_CODE', message: 'a reason from a newer node' })).toEqual({
      text: 'a reason from a newer node',
      lang: 'en',
    });
    expect(reasonText({ message: '', code: undefined })).toEqual({ text: '', lang: 'en' });
  });
});
