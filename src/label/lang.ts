import { ReltoError } from '../errors/index.js';
import { type Lang, langs } from './messages.js';

/**
 * The language a reader of a party gets when they ask for none: the party's own (KOR Korean, JPN
 * Japanese), English for every other party.
 */
const partyLangs: Readonly<Record<string, Lang>> = { KOR: 'ko', JPN: 'ja', USA: 'en' };

export function partyLang(party: string): Lang {
  return partyLangs[party] ?? 'en';
}

export function isLang(value: string): value is Lang {
  return (langs as readonly string[]).includes(value);
}

/**
 * The first supported language of an HTTP `Accept-Language` header, by preference (`q`, then order):
 * `ja-JP, en;q=0.5` → ja. Undefined when it names none of ko, ja, en (`*` included): the caller then falls
 * back to the reader's party's language rather than refusing.
 */
export function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.find((r) => isLang(r.primary))?.primary as Lang | undefined;
}

/**
 * The language a reader is answered in: `?lang=` when given (an unsupported one is refused with
 * UNSUPPORTED_LANGUAGE), else the first supported language of `Accept-Language`, else the reader's
 * party's language.
 */
export function readerLang(
  asked: string | undefined,
  acceptLanguage: string | undefined,
  party: string,
): Lang {
  if (asked !== undefined) {
    const lang = asked.trim().toLowerCase();
    if (isLang(lang)) return lang;
    throw new ReltoError(
      'UNSUPPORTED_LANGUAGE',
      `no language "${asked}": ask for ${langs.join(', ')}`,
      '/lang',
    );
  }
  return fromAcceptLanguage(acceptLanguage) ?? partyLang(party);
}
