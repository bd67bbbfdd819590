import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { Router } from './app/router.js';
import { langFromAddress, PARTY_LANG, startI18n } from './i18n/index.js';
import './styles.css';

async function start() {
  // The node's party sets the sign-in page's language before anyone signs in.
  const party = await fetch('/healthz')
    .then((r) => r.json() as Promise<{ party?: string }>)
    .then((h) => h.party ?? null)
    .catch(() => null);
  await startI18n(langFromAddress() ?? PARTY_LANG[party ?? ''] ?? 'en');
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Router>
        <App nodeParty={party} />
      </Router>
    </StrictMode>,
  );
}

void start();
