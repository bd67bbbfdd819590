import type { Lang } from '../../i18n/index.js';

/**
 * Place names the nations of the map do not share, as the viewer's nation names them (its official usage),
 * written in the reader's language: the sea between Korea and Japan, and the islets in it. A party not listed
 * (a future partner) gets the names international hydrography (IHO S-23) prints.
 */
export type Place = 'sea' | 'islets';

const NAMES: Record<string, Record<Place, Record<Lang, string>>> = {
  KOR: {
    sea: { ko: '동해', ja: '東海', en: 'East Sea' },
    islets: { ko: '독도', ja: '独島', en: 'Dokdo' },
  },
  JPN: {
    sea: { ko: '일본해', ja: '日本海', en: 'Sea of Japan' },
    islets: { ko: '다케시마', ja: '竹島', en: 'Takeshima' },
  },
  // US official usage (Board on Geographic Names): Sea of Japan, Liancourt Rocks.
  USA: {
    sea: { ko: '일본해', ja: '日本海', en: 'Sea of Japan' },
    islets: { ko: '리앙쿠르 암초', ja: 'リアンクール岩礁', en: 'Liancourt Rocks' },
  },
};

const FALLBACK = NAMES.USA!;

/** Where each name is written: [longitude, latitude]. */
export const PLACES: Record<Place, [number, number]> = {
  sea: [134.5, 40.2],
  islets: [131.8667, 37.2417],
};

/** The name of `place` as `party`'s nation names it, in `lang`. */
export function placeName(place: Place, party: string, lang: Lang): string {
  return (NAMES[party] ?? FALLBACK)[place][lang];
}
