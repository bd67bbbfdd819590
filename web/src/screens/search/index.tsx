import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get, post } from '../../api/client.js';
import { Link, useRouter } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { type CompiledRegistry, loadRegistry, topicsIn } from '../../components/label-core.js';
import { langAttr, Text } from '../../components/Text.js';
import { formatDate, formatNumber } from '../../i18n/index.js';
import { searchBody } from './query.js';
import './search.css';

interface Hit {
  id: string;
  type: string;
  name?: string;
  originator: string | null;
  modified?: string;
}

const TYPES = ['report', 'note', 'indicator', 'observed-data', 'sighting', 'malware', 'campaign'];
/** The filters, as the address keeps them (so a search is a link, and reload shows it again). */
const FILTERS = ['type', 'level', 'originator', 'topic', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];

export default function Search() {
  const { t } = useTranslation('search');
  const { person, lang } = useSession();
  const { place, navigate } = useRouter();
  const [reg, setReg] = useState<CompiledRegistry | null>(null);
  const [text, setText] = useState(place.query.get('q') ?? '');
  const [filters, setFilters] = useState<Record<Filter, string>>(
    () => Object.fromEntries(FILTERS.map((f) => [f, place.query.get(f) ?? ''])) as Record<Filter, string>,
  );
  const [result, setResult] = useState<{ total: number; totalCapped?: boolean; hits: Hit[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const queryKey = place.query.toString();

  useEffect(() => {
    loadRegistry(get)
      .then(setReg)
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    const query = new URLSearchParams(queryKey);
    if (!query.has('q')) return;
    let stop = false;
    setError(null);
    post<{ total: number; totalCapped?: boolean; hits: Hit[] }>('/search', searchBody(query))
      .then((r) => !stop && setResult(r))
      .catch((e) => !stop && setError(errorText(e)));
    return () => {
      stop = true;
    };
  }, [queryKey]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams({ q: text });
    for (const f of FILTERS) if (filters[f]) q.set(f, filters[f]);
    navigate(`/search?${q}`);
  };
  const set = (f: Filter) => (e: { target: { value: string } }) =>
    setFilters({ ...filters, [f]: e.target.value });
  const partyName = (code: string) => reg?.parties.get(code)?.def.name[lang] ?? code;

  return (
    <>
      <h1>{t('title')}</h1>
      <form onSubmit={submit} className="search-form">
        <label className="search-box">
          {t('box')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          {t('type')}
          <select value={filters.type} onChange={set('type')}>
            <option value="">{t('any')}</option>
            {TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {ty}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('level')}
          <select value={filters.level} onChange={set('level')}>
            <option value="">{t('any')}</option>
            {[...(reg?.parties.get(person.party)?.levels.values() ?? [])].map((l) => (
              // The native name alone, so the option can say its language (WCAG 3.1.2): an option holds no
              // inner element, so "up to" lives in the select's label.
              <option key={l.id} value={l.id} lang={langAttr(l.native, lang)}>
                {l.native}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('originator')}
          <select value={filters.originator} onChange={set('originator')}>
            <option value="">{t('any')}</option>
            {[...(reg?.parties.keys() ?? [])].map((p) => (
              <option key={p} value={p}>
                {partyName(p)} ({p})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('topic')}
          <select value={filters.topic} onChange={set('topic')}>
            <option value="">{t('any')}</option>
            {topicsIn(lang).map((topic) => (
              <option key={topic.id} value={topic.id}>
                {topic.text}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('from')}
          <input type="date" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          {t('to')}
          <input type="date" value={filters.to} onChange={set('to')} />
        </label>
        <button type="submit">{t('submit')}</button>
      </form>
      {error && <p role="alert">{t('failed', { message: error })}</p>}
      {result && (
        <section aria-labelledby="search-results">
          <h2 id="search-results">
            {t(result.totalCapped ? 'countCapped' : 'count', {
              count: result.total,
              total: formatNumber(result.total, lang),
            })}
          </h2>
          <ol className="search-results">
            {result.hits.map((h) => (
              <li key={h.id}>
                <Link to={`/items/${encodeURIComponent(h.id)}`}>
                  <Text text={h.name ?? h.id} />
                </Link>{' '}
                <span className="search-meta">
                  {h.type}
                  {h.originator ? ` · ${partyName(h.originator)}` : ''}
                  {h.modified ? ` · ${formatDate(h.modified, lang)}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
