import '../../components/officer.css';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText, post } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { useLoad, useNow } from '../../components/officer-load.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';
import { countdown, nextStatus } from './countdown.js';

/** A compromise report made here, as `GET /api/v1/compromises` lists it. */
export interface Report {
  id: string;
  items: string[];
  reportedBy: string;
  reportedAt: string;
  originator: string;
  status: string;
  deadlines: Record<string, string>;
  description: string | null;
  findings: string | null;
  measures: string | null;
  history: { at: string; by: string; status: string; note?: string }[];
}

/** A partner's report about one of this nation's items (`GET /api/v1/exchange/compromises`). */
interface Received {
  id: string;
  item: string;
  status: string;
  from: string;
  receivedAt: string;
  [more: string]: unknown;
}

/**
 * Compromise reports (security officers): those made here with their deadlines counting down and their
 * answers, those partners sent about our items; report one, and move a report on.
 */
export default function Compromises() {
  const { t } = useTranslation('compromises');
  const mine = useLoad<{ reports: Report[] }>('/compromises');
  const received = useLoad<{ reports: Received[] }>('/exchange/compromises');
  const [said, setSaid] = useState('');
  const done = (m: string) => {
    setSaid(m);
    mine.reload();
  };
  const reports = [...(mine.data?.reports ?? [])].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
  // A node running without its exchange has no partners' reports to show (501): that is not an error here.
  const receivedError =
    received.error instanceof ApiError && received.error.status === 501 ? null : received.error;

  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <p role="status">{said}</p>
      <NewReport onDone={done} />
      <section aria-label={t('made')}>
        <h2>{t('made')}</h2>
        {mine.error ? <p role="alert">{errorText(mine.error)}</p> : null}
        {mine.data && reports.length === 0 && <p className="muted">{t('none')}</p>}
        {reports.map((r) => (
          <ReportCard key={`${r.id}-${r.status}`} report={r} onDone={done} />
        ))}
      </section>
      <section aria-label={t('received')}>
        <h2>{t('received')}</h2>
        {receivedError ? <p role="alert">{errorText(receivedError)}</p> : null}
        {(received.data?.reports ?? []).length === 0 ? (
          <p className="muted">{t('none')}</p>
        ) : (
          <ReceivedTable reports={received.data!.reports} />
        )}
      </section>
    </div>
  );
}

function Deadline({ name, at }: { name: string; at: string }) {
  const { t } = useTranslation('compromises');
  const { lang } = useSession();
  const now = useNow(1000);
  const left = countdown(at, now);
  const label = t(`deadline.${name}`, { defaultValue: name });
  if (!left) return <li>{label}</li>;
  const span = t('span', { ...left });
  return (
    <li>
      {label}: {formatDate(at, lang)} —{' '}
      <span className={left.overdue ? 'overdue' : undefined}>
        {left.overdue ? t('overdue', { span }) : t('left', { span })}
      </span>
    </li>
  );
}

function ReportCard({ report: r, onDone }: { report: Report; onDone: (m: string) => void }) {
  const { t } = useTranslation('compromises');
  const { lang } = useSession();
  const next = nextStatus(r.status);
  const [note, setNote] = useState('');
  const [findings, setFindings] = useState('');
  const [measures, setMeasures] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const noteId = useId();
  const findingsId = useId();
  const measuresId = useId();
  const headingId = useId();

  const advance = async (e: FormEvent) => {
    e.preventDefault();
    if (!next) return;
    setBusy(true);
    setFailure(null);
    try {
      await post(`/compromises/${encodeURIComponent(r.id)}/advance`, {
        to: next,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(findings.trim() ? { findings: findings.trim() } : {}),
        ...(measures.trim() ? { measures: measures.trim() } : {}),
      });
      onDone(t('advanced', { status: t(`status.${next}`) }));
    } catch (err) {
      setFailure(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article aria-labelledby={headingId} style={{ borderTop: '1px solid #ccc', padding: '0.5rem 0' }}>
      <h3 id={headingId}>
        {t('reportTo', { party: r.originator })} · <span className="status">{t(`status.${r.status}`)}</span>
      </h3>
      <p className="muted">{t('reportedBy', { by: r.reportedBy, at: formatDate(r.reportedAt, lang) })}</p>
      {r.description && <Text text={r.description} as="p" />}
      <div>
        {t('items')}:{' '}
        {r.items.map((i) => (
          <code key={i}>{i} </code>
        ))}
      </div>
      {Object.keys(r.deadlines).length > 0 && (
        <ul>
          {Object.entries(r.deadlines).map(([name, at]) => (
            <Deadline key={name} name={name} at={at} />
          ))}
        </ul>
      )}
      {r.findings && (
        <p>
          {t('findings')}: <Text text={r.findings} />
        </p>
      )}
      {r.measures && (
        <p>
          {t('measures')}: <Text text={r.measures} />
        </p>
      )}
      <details>
        <summary>{t('history')}</summary>
        <ol className="timeline">
          {r.history.map((h) => (
            <li key={`${h.at}-${h.status}`}>
              {formatDate(h.at, lang)} — {t(`status.${h.status}`, { defaultValue: h.status })} ·{' '}
              <Text text={h.by} />
              {h.note && (
                <>
                  {' '}
                  — <Text text={h.note} />
                </>
              )}
            </li>
          ))}
        </ol>
      </details>
      {next && (
        <form className="inline" onSubmit={advance}>
          <label className="field" htmlFor={noteId}>
            {t('note')}
            <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          {next === 'findings-sent' && (
            <>
              <label className="field" htmlFor={findingsId}>
                {t('findings')}
                <textarea
                  id={findingsId}
                  rows={2}
                  value={findings}
                  onChange={(e) => setFindings(e.target.value)}
                />
              </label>
              <label className="field" htmlFor={measuresId}>
                {t('measures')}
                <textarea
                  id={measuresId}
                  rows={2}
                  value={measures}
                  onChange={(e) => setMeasures(e.target.value)}
                />
              </label>
            </>
          )}
          <button type="submit" disabled={busy}>
            {t('advance', { status: t(`status.${next}`) })}
          </button>
          {failure && <p role="alert">{failure}</p>}
        </form>
      )}
    </article>
  );
}

function ReceivedTable({ reports }: { reports: Received[] }) {
  const { t } = useTranslation('compromises');
  const { lang } = useSession();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('col.from')}</th>
          <th scope="col">{t('col.item')}</th>
          <th scope="col">{t('col.status')}</th>
          <th scope="col">{t('col.received')}</th>
          <th scope="col">{t('col.said')}</th>
        </tr>
      </thead>
      <tbody>
        {reports.map((r) => (
          <tr key={`${r.id}-${r.item}`}>
            <td>{r.from}</td>
            <td>
              <code>{r.item}</code>
            </td>
            <td>{t(`wire.${r.status}`, { defaultValue: r.status })}</td>
            <td>{formatDate(r.receivedAt, lang)}</td>
            <td>
              {(['description', 'findings', 'measures'] as const).map((k) =>
                typeof r[k] === 'string' ? (
                  <div key={k}>
                    {t(k)}: <Text text={r[k] as string} />
                  </div>
                ) : null,
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NewReport({ onDone }: { onDone: (m: string) => void }) {
  const { t } = useTranslation('compromises');
  const [items, setItems] = useState('');
  const [description, setDescription] = useState('');
  const [deadline, setDeadline] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const itemsId = useId();
  const descriptionId = useId();
  const deadlineId = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ids = items
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    setBusy(true);
    setFailure(null);
    try {
      await post('/compromises', {
        items: ids,
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(deadline ? { deadlines: { findings: new Date(deadline).toISOString() } } : {}),
      });
      setItems('');
      setDescription('');
      setDeadline('');
      onDone(t('reported'));
    } catch (err) {
      setFailure(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details>
      <summary>{t('new')}</summary>
      <form onSubmit={submit} style={{ display: 'grid', gap: '0.5rem', maxWidth: '40rem' }}>
        <label className="field" htmlFor={itemsId}>
          {t('itemIds')}
          <textarea id={itemsId} rows={2} required value={items} onChange={(e) => setItems(e.target.value)} />
        </label>
        <label className="field" htmlFor={descriptionId}>
          {t('description')}
          <textarea
            id={descriptionId}
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <label className="field" htmlFor={deadlineId}>
          {t('findingsDue')}
          <input
            id={deadlineId}
            type="datetime-local"
            value={deadline}
            onChange={(e) => setDeadline(e.target.value)}
          />
        </label>
        <div>
          <button type="submit" disabled={busy}>
            {t('report')}
          </button>
        </div>
        {failure && <p role="alert">{failure}</p>}
      </form>
    </details>
  );
}
