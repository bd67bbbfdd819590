import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { topicsIn } from '../../components/label-core.js';
import { formatDate, isLang, LANG_NAMES, LANGS, type Lang } from '../../i18n/index.js';
import {
  type BriefForm,
  briefTopics,
  formFor,
  formProblem,
  readSubscription,
  type Subscription,
  subscribe,
  timeZones,
  unsubscribe,
} from './brief.js';

/** What the person's subscription is and where it stands: pending says nothing arrives until it is confirmed. */
export function SubscriptionState({
  held,
  lang,
  topicName,
}: {
  held: Subscription | null;
  lang: Lang;
  topicName: (id: string) => string;
}) {
  const { t } = useTranslation('news');
  if (!held) return <p>{t('brief.none')}</p>;
  return (
    <>
      <h3>{t('brief.current')}</h3>
      <dl className="brief-current">
        <dt>{t('brief.email')}</dt>
        <dd>{held.email}</dd>
        <dt>{t('brief.time')}</dt>
        <dd>
          {held.time} ({held.timeZone})
        </dd>
        <dt>{t('brief.lang')}</dt>
        <dd lang={held.lang}>{LANG_NAMES[held.lang] ?? held.lang}</dd>
        <dt>{t('brief.topics')}</dt>
        <dd>{held.topics.length ? held.topics.map(topicName).join(', ') : t('brief.allTopics')}</dd>
        <dt>{t('brief.state')}</dt>
        <dd className={`brief-state ${held.state}`}>{t(`brief.${held.state}`)}</dd>
        <dt>{t('brief.requestedAt')}</dt>
        <dd>
          <time dateTime={held.requestedAt}>{formatDate(held.requestedAt, lang)}</time>
        </dd>
        {held.confirmedAt && (
          <>
            <dt>{t('brief.confirmedAt')}</dt>
            <dd>
              <time dateTime={held.confirmedAt}>{formatDate(held.confirmedAt, lang)}</time>
            </dd>
          </>
        )}
      </dl>
      {held.state === 'pending' && (
        <p className="brief-note">{t('brief.pendingNote', { email: held.email })}</p>
      )}
    </>
  );
}

/**
 * The person's daily brief: their subscription and its state, a form to subscribe or replace it (a new one is
 * pending until confirmed from the e-mail), and unsubscribing.
 */
export function BriefSettings() {
  const { t } = useTranslation('news');
  const { lang } = useSession();
  const [held, setHeld] = useState<Subscription | null | undefined>(undefined);
  const [topics, setTopics] = useState<string[] | null>(null);
  const [form, setForm] = useState<BriefForm>(() => formFor(null, lang));
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Read once per visit: the form's language follows the page's only until the person has a subscription.
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once per visit
  useEffect(() => {
    let stop = false;
    readSubscription()
      .then((s) => {
        if (stop) return;
        setHeld(s);
        if (s) setForm(formFor(s, lang));
      })
      .catch((e) => {
        if (stop) return;
        setHeld(null);
        setError(t('brief.failed', { message: errorText(e) }));
      });
    briefTopics()
      .then((list) => !stop && setTopics(list))
      .catch(() => !stop && setTopics([]));
    return () => {
      stop = true;
    };
  }, []);

  const zones = useMemo(() => timeZones(form.timeZone), [form.timeZone]);
  const names = useMemo(() => new Map(topicsIn(lang).map((x) => [x.id, x.text])), [lang]);
  const topicName = (id: string) => names.get(id) ?? id;
  const choices = [...new Set([...(topics ?? []), ...form.topics])].sort();
  const set = <K extends keyof BriefForm>(key: K, value: BriefForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStatus(null);
    setError(null);
    const wrong = formProblem(form);
    setProblem(wrong);
    if (wrong) return;
    setBusy(true);
    subscribe(form)
      .then((s) => {
        setHeld(s);
        setForm(formFor(s, lang));
        setStatus(t('brief.sent', { email: s.email }));
      })
      .catch((err) => setError(t('brief.refused', { message: errorText(err) })))
      .finally(() => setBusy(false));
  };

  const end = () => {
    setStatus(null);
    setError(null);
    setBusy(true);
    unsubscribe()
      .then(() => {
        setHeld(null);
        setStatus(t('brief.ended'));
      })
      .catch((err) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  return (
    <section className="brief" aria-labelledby="brief-title">
      <h2 id="brief-title">{t('brief.title')}</h2>
      <p>{t('brief.intro')}</p>
      {held === undefined ? (
        <p className="loading">{t('brief.loading')}</p>
      ) : (
        <SubscriptionState held={held} lang={lang} topicName={topicName} />
      )}
      <p role="status" className="brief-status">
        {status}
      </p>
      {error && <p role="alert">{error}</p>}
      <form className="brief-form" onSubmit={submit} noValidate>
        <label>
          {t('brief.email')}
          <input
            type="email"
            autoComplete="email"
            required
            value={form.email}
            aria-invalid={problem === 'email' || undefined}
            aria-describedby={problem === 'email' ? 'brief-problem' : undefined}
            onChange={(e) => set('email', e.target.value)}
          />
        </label>
        <label>
          {t('brief.time')}
          <input
            type="time"
            required
            value={form.time}
            aria-invalid={problem === 'time' || undefined}
            aria-describedby={problem === 'time' ? 'brief-problem' : undefined}
            onChange={(e) => set('time', e.target.value)}
          />
        </label>
        <label>
          {t('brief.timeZone')}
          <select value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('brief.lang')}
          <select value={form.lang} onChange={(e) => isLang(e.target.value) && set('lang', e.target.value)}>
            {LANGS.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANG_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="brief-topics" aria-describedby="brief-topics-hint">
          <legend>{t('brief.topics')}</legend>
          <p id="brief-topics-hint">{choices.length ? t('brief.topicsHint') : t('brief.noTopics')}</p>
          {topics === null && <p className="loading">{t('loading')}</p>}
          {choices.map((id) => (
            <label key={id} className="check">
              <input
                type="checkbox"
                checked={form.topics.includes(id)}
                onChange={(e) =>
                  set('topics', e.target.checked ? [...form.topics, id] : form.topics.filter((x) => x !== id))
                }
              />
              {topicName(id)}
            </label>
          ))}
        </fieldset>
        {problem && (
          <p id="brief-problem" role="alert">
            {t(problem === 'email' ? 'brief.badEmail' : 'brief.badTime')}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('brief.sending') : held ? t('brief.replace') : t('brief.subscribe')}
        </button>
      </form>
      {held && (
        <button type="button" className="brief-end" onClick={end} disabled={busy}>
          {t('brief.unsubscribe')}
        </button>
      )}
    </section>
  );
}
