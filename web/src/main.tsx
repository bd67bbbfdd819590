import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, fetchSession } from './app/App.js';
import { Router } from './app/router.js';
import { preloadScreen } from './app/screens.js';
import { langFromAddress, PARTY_LANG, startI18n } from './i18n/index.js';
import './styles.css';

async function start() {
  // Beside each other, not one after another: the session, the page's screen and, for a signed-out tab,
  // the node's party (which sets the sign-in page's language before anyone signs in).
  const session = fetchSession();
  const screen = preloadScreen(window.location.pathname);
  const healthz = fetch('/healthz')
    .then((r) => r.json() as Promise<{ party?: string }>)
    .then((h) => h.party ?? null)
    .catch(() => null);
  const signedIn = await session;
  const party = signedIn?.person.party ?? (await healthz);
  await Promise.all([
    startI18n(langFromAddress() ?? signedIn?.person.lang ?? PARTY_LANG[party ?? ''] ?? 'en'),
    signedIn ? screen : null,
  ]);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Router>
        <App nodeParty={party} session={session} />
      </Router>
    </StrictMode>,
  );
}

void start();
