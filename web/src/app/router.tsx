import { createContext, type MouseEvent, type ReactNode, useContext, useEffect, useState } from 'react';

/** Where the tab is: the path and query of the history API (screens are paths, deep links work on reload). */
export interface Place {
  path: string;
  query: URLSearchParams;
}

type Navigate = (to: string, options?: { replace?: boolean }) => void;

const RouterContext = createContext<{ place: Place; navigate: Navigate } | null>(null);

function here(): Place {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** Keeps `?lang=` on every navigation: the language chosen in the address holds for the tab. */
export function withLang(to: string): string {
  const lang = new URLSearchParams(window.location.search).get('lang');
  if (!lang || /[?&]lang=/.test(to)) return to;
  return `${to}${to.includes('?') ? '&' : '?'}lang=${encodeURIComponent(lang)}`;
}

export function Router({ children }: { children: ReactNode }) {
  const [place, setPlace] = useState<Place>(here);
  useEffect(() => {
    const onPop = () => setPlace(here());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate: Navigate = (to, options) => {
    if (options?.replace) window.history.replaceState(null, '', withLang(to));
    else window.history.pushState(null, '', withLang(to));
    setPlace(here());
    window.scrollTo(0, 0);
  };
  return <RouterContext.Provider value={{ place, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter(): { place: Place; navigate: Navigate } {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside <Router>');
  return router;
}

/** A link that navigates in the tab without a reload (a plain `<a>` with a real href, so it works with the keyboard and opens in a new tab). */
export function Link({
  to,
  children,
  className,
  ...rest
}: {
  to: string;
  children: ReactNode;
  className?: string;
  'aria-current'?: 'page' | undefined;
}) {
  const { navigate } = useRouter();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={withLang(to)} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}

/** Matches a path pattern like `/items/:id`; the named parts decoded, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
}
