import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { Text } from '../../components/Text.js';
import { formatDate, formatNumber } from '../../i18n/index.js';
import './audit.css';
import { type Failure, type InclusionProof, keyFingerprint, type SignedHead, verifyEntry } from './verify.js';

interface Entry {
  index: number;
  entry: {
    kind: string;
    at: string;
    actor: string;
    action?: string;
    decision?: 'permit' | 'deny';
    subjects?: string[];
    [k: string]: unknown;
  };
}

/** Indexes asked per request, and the entries a page aims for (the node filters what the person may see, R35). */
const CHUNK = 500;
const PAGE = 50;
const MAX_REQUESTS = 20;

type Check = 'busy' | { ok: true } | { ok: false; failure: Failure | 'error'; message?: string };

export default function Audit() {
  const { t } = useTranslation('audit');
  const { person, lang } = useSession();
  const [head, setHead] = useState<SignedHead | null>(null);
  const [fingerprint, setFingerprint] = useState('');
  const [entries, setEntries] = useState<Entry[]>([]);
  // The next page ends below this index (0: nothing older).
  const [cursor, setCursor] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [checks, setChecks] = useState<Record<number, Check>>({});
  const started = useRef(false);
  const auditor = person.roles.includes('security-officer') || person.roles.includes('admin');

  // Newest first: walk back from `to` in chunks until a page's worth is found or the log's start is reached.
  const loadFrom = useCallback(async (to: number) => {
    setBusy(true);
    setError(null);
    try {
      const found: Entry[] = [];
      let end = to;
      for (let n = 0; n < MAX_REQUESTS && end > 0 && found.length < PAGE; n++) {
        const from = Math.max(0, end - CHUNK);
        const r = await get<{ entries: Entry[] }>(`/audit/entries?from=${from}&to=${end}`);
        found.push(...r.entries.sort((a, b) => b.index - a.index));
        end = from;
      }
      setEntries((old) => [...old, ...found]);
      setCursor(end);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    get<SignedHead>('/audit/head')
      .then(async (h) => {
        setHead(h);
        setFingerprint(await keyFingerprint(h));
        await loadFrom(h.treeSize);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [loadFrom]);

  async function verify(e: Entry) {
    setChecks((c) => ({ ...c, [e.index]: 'busy' }));
    let result: Check;
    try {
      // A fresh head, and the proof of this entry in a tree of exactly its size.
      const h = await get<SignedHead>('/audit/head');
      const proof = await get<InclusionProof>(
        `/audit/proofs/inclusion?index=${e.index}&treeSize=${h.treeSize}`,
      );
      result = await verifyEntry(e.entry, e.index, proof, h);
    } catch (err) {
      result = { ok: false, failure: 'error', message: errorText(err) };
    }
    setChecks((c) => ({ ...c, [e.index]: result }));
  }

  return (
    <>
      <h1>{t('title')}</h1>
      <p>{auditor ? t('scopeAll') : t('scopeOwn')}</p>
      {head && (
        <>
          <p>
            {t('head', {
              size: formatNumber(head.treeSize, lang),
              root: head.rootHash.slice(0, 16),
              time: formatDate(head.timestamp, lang),
              origin: head.origin ?? '',
            })}
          </p>
          <p>{t('key', { fingerprint })}</p>
        </>
      )}
      {error && <p role="alert">{error}</p>}
      <table>
        <caption>{t('entries')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.index')}</th>
            <th scope="col">{t('col.time')}</th>
            <th scope="col">{t('col.kind')}</th>
            <th scope="col">{t('col.actor')}</th>
            <th scope="col">{t('col.action')}</th>
            <th scope="col">{t('col.decision')}</th>
            <th scope="col">{t('col.subjects')}</th>
            <th scope="col">{t('col.entry')}</th>
            <th scope="col">{t('col.check')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const check = checks[e.index];
            return (
              <tr key={e.index}>
                <th scope="row">{formatNumber(e.index, lang)}</th>
                <td>{formatDate(e.entry.at, lang)}</td>
                <td>{t(`kinds.${e.entry.kind}`, { defaultValue: e.entry.kind })}</td>
                <Text as="td" text={e.entry.actor} />
                <Text as="td" text={e.entry.action ?? ''} />
                <td>{e.entry.decision ? t(e.entry.decision) : ''}</td>
                <td>
                  {(e.entry.subjects ?? []).map((s) => (
                    <Text key={s} as="div" text={s} />
                  ))}
                </td>
                <td>
                  <details>
                    <summary>{t('show')}</summary>
                    {/* Scrolls when long: focusable and named, so a keyboard can scroll it too (WCAG 2.1.1). */}
                    <section
                      className="audit-entry"
                      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region takes the focus to scroll by keyboard
                      tabIndex={0}
                      aria-label={t('entryText', { n: formatNumber(e.index, lang) })}
                    >
                      <pre>
                        <Text text={JSON.stringify(e.entry, null, 1)} />
                      </pre>
                    </section>
                  </details>
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => void verify(e)}
                    disabled={check === 'busy'}
                    aria-describedby={`check-${e.index}`}
                  >
                    {t('verify')}
                  </button>
                  <output id={`check-${e.index}`} aria-live="polite" className="audit-check">
                    {check === 'busy'
                      ? t('verifying')
                      : check === undefined
                        ? ''
                        : check.ok
                          ? t('verified')
                          : `${t('notVerified')}: ${t(`failure.${check.failure}`, { message: check.message ?? '' })}`}
                  </output>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!busy && entries.length === 0 && head && <p>{t('none')}</p>}
      {head && cursor !== null && (
        <p>
          {t('scanned', {
            from: formatNumber(cursor, lang),
            to: formatNumber(Math.max(0, head.treeSize - 1), lang),
            size: formatNumber(head.treeSize, lang),
          })}
        </p>
      )}
      {busy && <p className="loading">{t('common:loading')}</p>}
      {cursor !== null && cursor > 0 && !busy && (
        <button type="button" onClick={() => void loadFrom(cursor)}>
          {t('older')}
        </button>
      )}
    </>
  );
}
