import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prefetch } from './api/client.js';
import { App, fetchSession } from './app/App.js';
import { readBoot } from './app/boot.js';
import { match, Router } from './app/router.js';
import { preloadScreen } from './app/screens.js';
import { langFromAddress, PARTY_LANG, setNodeTimeZone, startI18n } from './i18n/index.js';
import './styles.css';

async function start() {
  // Beside each other, not one after another: the session, the page's screen and, for a signed-out tab,
  // the node's party (which sets the sign-in page's language before anyone signs in).
  // What the node sent with the page needs no asking.
  const boot = readBoot();
  const session = boot.session !== undefined ? Promise.resolve(boot.session) : fetchSession();
  const screen = preloadScreen(window.location.pathname);
  const healthz = boot.healthz
    ? Promise.resolve(boot.healthz)
    : fetch('/healthz')
        .then((r) => r.json() as Promise<{ party?: string; timeZone?: string }>)
        .catch(() => ({}) as { party?: string; timeZone?: string });
  const signedIn = await session;
  const lang = langFromAddress() ?? signedIn?.person.lang ?? PARTY_LANG[signedIn?.person.party ?? ''];
  if (signedIn && lang) prefetchScreenData(window.location.pathname, lang);
  const health = await healthz;
  const party = signedIn?.person.party ?? health.party ?? null;
  setNodeTimeZone(health.timeZone);
  await Promise.all([startI18n(lang ?? PARTY_LANG[party ?? ''] ?? 'en'), signedIn ? screen : null]);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Router>
        <App nodeParty={party} session={session} initial={signedIn} />
      </Router>
    </StrictMode>,
  );
}

/** What the page's screen will read first, asked for now (the reader: its item and the registry). */
function prefetchScreenData(path: string, lang: string): void {
  const item = match('/items/:id', path);
  if (item) {
    prefetch(`/items/${encodeURIComponent(item.id!)}?lang=${lang}`);
    prefetch('/registry');
  }
}

void start();
