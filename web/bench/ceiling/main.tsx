import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

/*
 * The benchmark's ceiling: a bare Vite React page served by Fastify, doing the least each measured screen does
 * (a list of rows, a page of paragraphs, an animation frame loop), so the workspace's figures stand beside
 * what React and the browser cost on this machine with nothing of relto's.
 */

function Paragraphs({ n }: { n: number }) {
  return (
    <article>
      {Array.from({ length: n }, (_, i) => `p${i + 1}`).map((id, i) => (
        <p key={id}>
          Paragraph {i + 1} of a long report, as plain text in a bare React page without labels or portions.
        </p>
      ))}
      <button type="button">Ready</button>
    </article>
  );
}

function Rows({ n }: { n: number }) {
  const [shown] = useState(() => Array.from({ length: n }, (_, i) => `Item ${i + 1}`));
  return (
    <ul aria-label="Rows">
      {shown.map((s) => (
        <li key={s}>{s}</li>
      ))}
    </ul>
  );
}

function App() {
  const params = new URLSearchParams(window.location.search);
  const paragraphs = Number(params.get('paragraphs') ?? 0);
  const rows = Number(params.get('rows') ?? 0);
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return (
    <main>
      <h1>Inbox</h1>
      {paragraphs > 0 && <Paragraphs n={paragraphs} />}
      {rows > 0 && <Rows n={rows} />}
      {ready && <span data-ready="1" />}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
