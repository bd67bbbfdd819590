import { common } from '../../src/i18n/common.js';
import { LANG_NAMES, LANGS, type Lang } from '../../src/i18n/strings.js';

export { LANG_NAMES, LANGS, type Lang };

/**
 * The accessible names the workspace keeps stable (contracts §10, with `?lang=en`): the interface the browser
 * tests drive, so scripts and assistive technology can rely on them.
 */
export const NAMES = {
  user: 'User',
  password: 'Password',
  signIn: 'Sign in',
  signOut: 'Sign out',
  language: 'Language',
  main: 'Main',
  banner: 'Banner',
  withheld: 'Withheld',
  requestRelease: 'Request release',
  title: 'Title',
  titleClassification: 'Title classification',
  addParagraph: 'Add paragraph',
  classification: 'Classification',
  releasableTo: 'Releasable to',
  paragraphText: 'Paragraph text',
  save: 'Save',
  approve: 'Approve',
  refuse: 'Refuse',
  map: 'Map',
  tracks: 'Tracks',
  verify: 'Verify',
  verified: 'Verified',
  notVerified: 'Not verified',
} as const;

/** The navigation's link names in English (§10), by screen path. */
export const NAV: Record<string, string> = {
  '/inbox': 'Inbox',
  '/write': 'Write',
  '/search': 'Search',
  '/releases': 'Releases',
  '/consents': 'Consents',
  '/custody': 'Custody',
  '/compromises': 'Compromises',
  '/people': 'People',
  '/map': 'Map',
  '/news': 'News',
  '/audit': 'Audit',
  '/agreements': 'Agreements',
  '/partners': 'Partners',
};

/** The sign-in screen's names in a language (the workspace's own common strings). */
export function signInNames(lang: Lang): { user: string; password: string; submit: string; main: string } {
  const s = common[lang] as { signIn: Record<string, string>; nav: Record<string, string> };
  return { user: s.signIn.user!, password: s.signIn.password!, submit: s.signIn.submit!, main: s.nav.main! };
}
