import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get } from '../../api/client.js';
import { Link, useRouter } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { topicsIn } from '../../components/label-core.js';
import { Text } from '../../components/Text.js';
import { formatDate, formatNumber } from '../../i18n/index.js';
import { BriefSettings } from './Brief.js';
import { briefTopics } from './brief.js';
import { NewsItemView } from './NewsItem.js';
import { appendPage, type NewsItem, type NewsPage, newsPath, topicChoices } from './news.js';
import './news.css';

/** Fixed row height (px): the list renders only the rows in view, however many items the node holds. */
const ROW = 92;
/** Rows from the end of what is loaded at which the next page is asked for. */
const AHEAD = 8;

export default function News() {
  const { t } = useTranslation('news');
  const { lang } = useSession();
  const { place, navigate } = useRouter();
  const topic = place.query.get('topic') ?? '';
  const selected = place.query.get('item');
  const [news, setNews] = useState<NewsItem[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nodeTopics, setNodeTopics] = useState<string[]>([]);
  const asked = useRef<string | null>(null);

  useEffect(() => {
    briefTopics()
      .then(setNodeTopics)
      .catch(() => undefined); // the filter then offers the topics of the news shown
  }, []);

  useEffect(() => {
    let stop = false;
    setNews(null);
    setNext(undefined);
    setError(null);
    asked.current = null;
    get<NewsPage>(newsPath(lang, topic ? [topic] : []))
      .then((page) => {
        if (stop) return;
        setNews(page.news);
        setNext(page.next);
      })
      .catch((e) => !stop && setError(errorText(e)));
    return () => {
      stop = true;
    };
  }, [lang, topic]);

  const loadMore = useCallback(() => {
    if (!next || asked.current === next) return;
    asked.current = next;
    setLoadingMore(true);
    get<NewsPage>(newsPath(lang, topic ? [topic] : [], next))
      .then((page) => {
        setNews((n) => appendPage(n ?? [], page.news));
        setNext(page.next);
      })
      .catch((e) => {
        asked.current = null;
        setError(errorText(e));
      })
      .finally(() => setLoadingMore(false));
  }, [lang, topic, next]);

  const scroller = useRef<HTMLElement>(null);
  const virtual = useVirtualizer({
    count: news?.length ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 6,
  });
  const shown = virtual.getVirtualItems();
  const lastShown = shown.at(-1)?.index ?? -1;
  useEffect(() => {
    // Scrolled near the end of what is loaded: the older items follow without a click.
    if (news && next && lastShown >= news.length - AHEAD) loadMore();
  }, [news, next, lastShown, loadMore]);

  const topicNames = useMemo(() => new Map(topicsIn(lang).map((x) => [x.id, x.text])), [lang]);
  const choices = topicChoices(nodeTopics, news ?? []);
  if (topic && !choices.includes(topic)) choices.push(topic);
  const at = (changes: Record<string, string | null>) => {
    const q = new URLSearchParams(place.query);
    q.delete('lang'); // the router keeps the tab's language
    for (const [k, v] of Object.entries(changes)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    return q.size ? `/news?${q}` : '/news';
  };
  const item = news?.find((n) => n.id === selected) ?? null;

  return (
    <>
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      <div className="news-filter">
        <label>
          {t('topic')}
          <select
            value={topic}
            onChange={(e) => navigate(at({ topic: e.target.value || null, item: null }), { replace: true })}
          >
            <option value="">{t('allTopics')}</option>
            {choices.map((id) => (
              <option key={id} value={id}>
                {topicNames.get(id) ?? id}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p role="alert">{t('failed', { message: error })}</p>}
      <div className="news-layout">
        <div className="news-column">
          {news === null ? (
            !error && <p className="loading">{t('loading')}</p>
          ) : (
            <>
              <p aria-live="polite">
                {news.length === 0
                  ? t('empty')
                  : t('count', { count: news.length, total: formatNumber(news.length, lang) })}
              </p>
              <section
                ref={scroller}
                className="news-scroll"
                tabIndex={news.length ? 0 : -1}
                aria-label={t('list')}
              >
                <ul className="news-list" style={{ height: virtual.getTotalSize() }} aria-label={t('list')}>
                  {shown.map((v) => {
                    const n = news[v.index]!;
                    const current = n.id === selected;
                    return (
                      <li
                        key={n.id}
                        className={current ? 'news-row current' : 'news-row'}
                        style={{ height: ROW, transform: `translateY(${v.start}px)` }}
                        aria-setsize={next ? -1 : news.length}
                        aria-posinset={v.index + 1}
                      >
                        <Link
                          to={at({ item: n.id })}
                          className="news-headline"
                          aria-current={current ? 'page' : undefined}
                        >
                          <Text text={n.headline} lang={n.lang ?? null} />
                        </Link>
                        <span className="news-meta">
                          <Text text={n.source} />
                          {' · '}
                          <time dateTime={n.published ?? n.added}>
                            {formatDate(n.published ?? n.added, lang)}
                          </time>
                        </span>
                        {n.places.length > 0 && (
                          <ul className="chips" aria-label={t('places')}>
                            {n.places.map((p) => (
                              <li key={p.id} className="chip">
                                <Text text={p.name} />
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    );
                  })}
                </ul>
              </section>
              {next && (
                <button type="button" onClick={loadMore} disabled={loadingMore}>
                  {loadingMore ? t('loadingMore') : t('more')}
                </button>
              )}
            </>
          )}
        </div>
        <div className="news-column">
          {selected ? (
            <NewsItemView id={selected} listed={item} />
          ) : (
            news !== null && news.length > 0 && <p>{t('choose')}</p>
          )}
        </div>
      </div>
      <BriefSettings />
    </>
  );
}
