import i18next from 'i18next';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, setCsrf } from '../api/client.js';
import { LanguageChooser } from '../components/LanguageChooser.js';
import { setLang as applyLang, isLang, type Lang, langFromAddress, PARTY_LANG } from '../i18n/index.js';
import { Link, match, useRouter } from './router.js';
import { SignIn } from './SignIn.js';
import { homeOf, mayUse, SCREENS } from './screens.js';
import { type Person, SessionContext } from './session.js';

interface SessionAnswer {
  csrf: string;
  person: Person;
}

/** The live session of this tab's cookie, or null when signed out. */
export function fetchSession(): Promise<SessionAnswer | null> {
  return get<SessionAnswer>('/session').catch(() => null);
}

function langFor(person: Person | null, party: string | null): Lang {
  return (
    langFromAddress() ??
    (person?.lang && isLang(person.lang) ? person.lang : null) ??
    PARTY_LANG[party ?? ''] ??
    'en'
  );
}

export function App({
  nodeParty,
  session,
  initial,
}: {
  nodeParty: string | null;
  session: Promise<SessionAnswer | null>;
  /** The session already known when the page starts (the tab's first render needs no wait for it). */
  initial?: SessionAnswer | null;
}) {
  const { place, navigate } = useRouter();
  const [person, setPerson] = useState<Person | null | undefined>(() => {
    if (initial) setCsrf(initial.csrf);
    return initial === undefined ? undefined : (initial?.person ?? null);
  });
  const [lang, setLangState] = useState<Lang>(() => langFor(person ?? null, person?.party ?? nodeParty));

  useEffect(() => {
    void session.then((s) => {
      if (s) setCsrf(s.csrf);
      setPerson(s?.person ?? null);
    });
  }, [session]);

  useEffect(() => {
    const l = langFor(person ?? null, person?.party ?? nodeParty);
    setLangState(l);
    // main.tsx started i18next in this language: changing to it again would only render the page twice.
    if (l !== i18next.language) void applyLang(l);
  }, [person, nodeParty]);

  // A fresh address (the language named in it) wins for the tab.
  const addressLang = place.query.get('lang');
  useEffect(() => {
    if (isLang(addressLang) && addressLang !== lang) {
      setLangState(addressLang);
      void applyLang(addressLang);
    }
  }, [addressLang, lang]);

  // Signed out: the sign-in screen, remembering where the person was going (the language stays in the address).
  const signInNeeded = person === null && place.path !== '/signin';
  useEffect(() => {
    if (!signInNeeded) return;
    const rest = new URLSearchParams(place.query);
    rest.delete('lang');
    rest.delete('next');
    const target = place.path === '/' ? '' : `${place.path}${rest.size ? `?${rest}` : ''}`;
    navigate(target ? `/signin?next=${encodeURIComponent(target)}` : '/signin', { replace: true });
  }, [signInNeeded, place, navigate]);

  if (person === undefined) return <p className="loading">…</p>;

  const signedIn = (s: SessionAnswer) => {
    setCsrf(s.csrf);
    setPerson(s.person);
    const next = place.query.get('next');
    navigate(next?.startsWith('/') && !next.startsWith('//') ? next : homeOf(s.person.roles));
  };

  if (person === null) {
    return <SignIn party={nodeParty} onSignedIn={signedIn} lang={lang} onLang={(l) => chooseLang(l, null)} />;
  }

  function chooseLang(l: Lang, who: Person | null) {
    setLangState(l);
    void applyLang(l);
    const params = new URLSearchParams(window.location.search);
    if (params.has('lang')) {
      params.set('lang', l);
      window.history.replaceState(null, '', `${window.location.pathname}?${params}`);
    }
    if (who) void patch('/me', { lang: l }).catch(() => undefined);
  }

  const signOut = () => {
    void del('/session')
      .catch(() => undefined)
      .finally(() => {
        setCsrf(null);
        setPerson(null);
        navigate('/signin');
      });
  };

  return (
    <SessionContext.Provider value={{ person, lang, setLang: (l) => chooseLang(l, person), signOut }}>
      <Workspace person={person} lang={lang} onLang={(l) => chooseLang(l, person)} onSignOut={signOut} />
    </SessionContext.Provider>
  );
}

function Workspace({
  person,
  lang,
  onLang,
  onSignOut,
}: {
  person: Person;
  lang: Lang;
  onLang: (l: Lang) => void;
  onSignOut: () => void;
}) {
  const { t } = useTranslation();
  const { place, navigate } = useRouter();
  const path = place.path === '/' || place.path === '/signin' ? homeOf(person.roles) : place.path;
  useEffect(() => {
    if (place.path === '/' || place.path === '/signin') navigate(path);
  }, [place.path, path, navigate]);

  let content: React.ReactNode = <p role="alert">{t('notFound')}</p>;
  for (const screen of SCREENS) {
    const params = match(screen.path, path);
    if (!params) continue;
    const Component = screen.loaded() ?? screen.component;
    content = mayUse(screen, person.roles) ? (
      <Suspense fallback={<p className="loading">{t('loading')}</p>}>
        <Component params={params} />
      </Suspense>
    ) : (
      <p role="alert">{t('notPermitted')}</p>
    );
    break;
  }

  return (
    <>
      <a className="skip" href="#content">
        {t('skipToContent')}
      </a>
      <header className="top">
        <span className="brand">
          {t('app')} · {person.party}
        </span>
        <nav aria-label={t('nav.main')}>
          <ul>
            {SCREENS.filter((s) => s.nav && mayUse(s, person.roles)).map((s) => (
              <li key={s.key}>
                <Link to={s.path} aria-current={path === s.path ? 'page' : undefined}>
                  {t(`nav.${s.key}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {t('signedInAs', { name: person.name, party: person.party, clearance: person.clearance })}
        </span>
        <LanguageChooser lang={lang} onLang={onLang} />
        <button type="button" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        {content}
      </main>
    </>
  );
}
