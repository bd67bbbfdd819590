import { type ComponentType, lazy } from 'react';
import { match } from './router.js';

/** The roles a person can hold (the node's `Role`). */
export type Role = 'analyst' | 'releasing-officer' | 'security-officer' | 'watch-officer' | 'admin';

export interface Screen {
  /** The navigation key (`common:nav.<key>`) and the folder under `screens/`. */
  key: string;
  /** The path pattern (`/items/:id`). */
  path: string;
  /** Roles that see the screen in the navigation and may open it; the server still decides every request. */
  roles: readonly Role[] | 'everyone';
  /** Shown in the navigation. */
  nav: boolean;
  component: ComponentType<{ params: Record<string, string> }>;
  /** Starts loading the screen's chunk (the page's own screen loads beside the session check, not after it). */
  preload: () => Promise<unknown>;
  /** The screen's component once its chunk is loaded, else null (rendering a loaded one never suspends). */
  loaded: () => ComponentType<{ params: Record<string, string> }> | null;
}

type ScreenModule = { default: ComponentType<{ params: Record<string, string> }> };

// React holds a suspended screen back for a while before it shows it, so a screen whose chunk is already here
// is rendered directly; lazy() only covers the first visit of one that is not.
function lazyScreen(load: () => Promise<ScreenModule>): Pick<Screen, 'component' | 'preload' | 'loaded'> {
  let module: ScreenModule | null = null;
  const preload = () =>
    load().then((m) => {
      module = m;
      return m;
    });
  return { component: lazy(preload), preload, loaded: () => module?.default ?? null };
}

const ALL: Role[] = ['analyst', 'releasing-officer', 'security-officer', 'watch-officer', 'admin'];
const READERS: Role[] = ['analyst', 'releasing-officer', 'security-officer'];

// Each screen is its own chunk: the first screen loads only what it shows (the map's data loads with /map).
export const SCREENS: Screen[] = [
  {
    key: 'inbox',
    path: '/inbox',
    roles: READERS,
    nav: true,
    ...lazyScreen(() => import('../screens/inbox/index.js')),
  },
  {
    key: 'reader',
    path: '/items/:id',
    roles: READERS,
    nav: false,
    ...lazyScreen(() => import('../screens/reader/index.js')),
  },
  {
    key: 'write',
    path: '/write',
    roles: ['analyst'],
    nav: true,
    ...lazyScreen(() => import('../screens/write/index.js')),
  },
  {
    key: 'search',
    path: '/search',
    roles: READERS,
    nav: true,
    ...lazyScreen(() => import('../screens/search/index.js')),
  },
  {
    key: 'releases',
    path: '/releases',
    roles: ['analyst', 'releasing-officer'],
    nav: true,
    ...lazyScreen(() => import('../screens/releases/index.js')),
  },
  {
    key: 'consents',
    path: '/consents',
    roles: ['releasing-officer'],
    nav: true,
    ...lazyScreen(() => import('../screens/consents/index.js')),
  },
  {
    key: 'custody',
    path: '/custody',
    roles: ['security-officer'],
    nav: true,
    ...lazyScreen(() => import('../screens/custody/index.js')),
  },
  {
    key: 'compromises',
    path: '/compromises',
    roles: ['security-officer'],
    nav: true,
    ...lazyScreen(() => import('../screens/compromises/index.js')),
  },
  {
    key: 'people',
    path: '/people',
    roles: ['security-officer', 'admin'],
    nav: true,
    ...lazyScreen(() => import('../screens/people/index.js')),
  },
  {
    key: 'map',
    path: '/map',
    roles: ['watch-officer', 'analyst'],
    nav: true,
    ...lazyScreen(() => import('../screens/map/index.js')),
  },
  {
    // After every role's first screen: news is for everyone, but nobody lands on it.
    key: 'news',
    path: '/news',
    roles: 'everyone',
    nav: true,
    ...lazyScreen(() => import('../screens/news/index.js')),
  },
  {
    key: 'audit',
    path: '/audit',
    roles: 'everyone',
    nav: true,
    ...lazyScreen(() => import('../screens/audit/index.js')),
  },
  {
    key: 'agreements',
    path: '/agreements',
    roles: ['admin', 'releasing-officer', 'security-officer'],
    nav: true,
    ...lazyScreen(() => import('../screens/agreements/index.js')),
  },
  {
    key: 'partners',
    path: '/partners',
    roles: ['admin'],
    nav: true,
    ...lazyScreen(() => import('../screens/partners/index.js')),
  },
];

export function mayUse(screen: Pick<Screen, 'roles'>, roles: readonly string[]): boolean {
  return screen.roles === 'everyone' || screen.roles.some((r) => roles.includes(r));
}

/** Where a person lands after signing in: the first screen their roles may use. */
export function homeOf(roles: readonly string[]): string {
  return SCREENS.find((s) => s.nav && mayUse(s, roles))?.path ?? '/audit';
}

export { ALL as ALL_ROLES };

/** Starts loading the chunk of the screen at `path`, if any. */
export function preloadScreen(path: string): Promise<unknown> {
  const screen = SCREENS.find((s) => match(s.path, path));
  return screen ? screen.preload().catch(() => undefined) : Promise.resolve();
}
