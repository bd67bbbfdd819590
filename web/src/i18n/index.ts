import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from './common.js';
import { isLang, LANGS, type Lang, type Strings } from './strings.js';

export { isLang, LANG_NAMES, LANGS, type Lang, PARTY_LANG, type Strings } from './strings.js';

// Every screen's strings (`screens/<screen>/strings.ts`, exporting `strings`), one namespace each, named by its folder.
const screenModules = import.meta.glob<{ strings: Strings }>('../screens/*/strings.ts', { eager: true });

export function namespaces(): Record<string, Strings> {
  const all: Record<string, Strings> = { common };
  for (const [path, mod] of Object.entries(screenModules)) {
    const ns = /screens\/([^/]+)\/strings\.ts$/.exec(path)![1]!;
    all[ns] = mod.strings;
  }
  return all;
}

export async function startI18n(lang: Lang): Promise<typeof i18next> {
  const resources: Resource = {};
  for (const l of LANGS) resources[l] = {};
  for (const [ns, strings] of Object.entries(namespaces()))
    for (const l of LANGS) resources[l]![ns] = strings[l];
  await i18next.use(initReactI18next).init({
    resources,
    lng: lang,
    fallbackLng: false,
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // React escapes
  });
  document.documentElement.lang = lang;
  return i18next;
}

export async function setLang(lang: Lang): Promise<void> {
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/** The tab's language from the address (`?lang=`), if it names one. */
export function langFromAddress(): Lang | null {
  const lang = new URLSearchParams(window.location.search).get('lang');
  return isLang(lang) ? lang : null;
}

let nodeTimeZone: string | undefined;

/** The node's time zone (from `/healthz`), the one every date is shown in. */
export function setNodeTimeZone(timeZone: string | undefined): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    nodeTimeZone = timeZone;
  } catch {
    nodeTimeZone = undefined; // a zone this browser does not know: its own
  }
}

/** Dates in the reader's locale and the node's time zone. */
export function formatDate(iso: string, lang: Lang, timeZone: string | undefined = nodeTimeZone): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium', timeZone }).format(d);
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang).format(n);
}
