import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get } from '../../api/client.js';
import { Link } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { type CompiledRegistry, loadRegistry, type Stix } from '../../components/label-core.js';
import { Text } from '../../components/Text.js';
import { formatDate, formatNumber } from '../../i18n/index.js';
import { type InboxRow, inboxRows, mergeRows } from './rows.js';
import { openedStore } from './unread.js';
import './inbox.css';

interface ItemsPage {
  items: Stix[];
  markings: Stix[];
  banners: Record<string, string>;
  more: boolean;
  next?: string;
}

/** Fixed row height (px): the list renders only the rows in view, so 20,000 items stay a few dozen rows. */
const ROW = 56;
const POLL_MS = 2000;
// A poll asks for what was added since a little before the previous one: clocks of page and node may differ;
// rows are merged by id, so asking twice for one item costs nothing.
const OVERLAP_MS = 10_000;

async function pages(reg: CompiledRegistry, party: string, lang: 'ko' | 'ja' | 'en', addedAfter?: string) {
  const rows: InboxRow[] = [];
  let next: string | undefined;
  do {
    const q = new URLSearchParams({ lang });
    if (addedAfter) q.set('addedAfter', addedAfter);
    if (next) q.set('next', next);
    const page = await get<ItemsPage>(`/items?${q}`);
    rows.push(...inboxRows(reg, page, party, lang));
    next = page.more ? page.next : undefined;
  } while (next);
  return rows;
}

export default function Inbox() {
  const { t } = useTranslation('inbox');
  const { person, lang } = useSession();
  const [rows, setRows] = useState<InboxRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const opened = useMemo(() => openedStore(person.name).set(), [person.name]);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let since = new Date().toISOString();
    void (async () => {
      try {
        const reg = await loadRegistry(get);
        const first = await pages(reg, person.party, lang);
        if (stop) return;
        setRows(mergeRows([], first));
        // Live: new items appear as they arrive.
        const poll = async () => {
          const asked = new Date(Date.parse(since) - OVERLAP_MS).toISOString();
          const started = new Date().toISOString();
          try {
            const fresh = await pages(reg, person.party, lang, asked);
            since = started;
            if (!stop && fresh.length) setRows((r) => mergeRows(r ?? [], fresh));
            if (!stop) setError(null);
          } catch (e) {
            if (!stop) setError(errorText(e));
          }
          if (!stop) timer = setTimeout(poll, POLL_MS);
        };
        since = new Date().toISOString();
        timer = setTimeout(poll, POLL_MS);
      } catch (e) {
        if (!stop) setError(errorText(e));
      }
    })();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [person.party, lang]);

  const scroller = useRef<HTMLElement>(null);
  const virtual = useVirtualizer({
    count: rows?.length ?? 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 10,
  });

  const unread = rows ? rows.filter((r) => !opened.has(r.id)).length : 0;
  return (
    <>
      <h1>{t('title')}</h1>
      {error && <p role="alert">{t('failed', { message: error })}</p>}
      {rows === null ? (
        !error && <p className="loading">{t('loading')}</p>
      ) : (
        <>
          <p aria-live="polite">
            {t('count', {
              count: rows.length,
              total: formatNumber(rows.length, lang),
              unread: formatNumber(unread, lang),
            })}
          </p>
          {rows.length === 0 ? (
            <p>{t('empty')}</p>
          ) : (
            <div className="inbox-head" aria-hidden="true">
              <span>{t('col.title')}</span>
              <span>{t('col.partner')}</span>
              <span>{t('col.topic')}</span>
              <span>{t('col.level')}</span>
              <span>{t('col.date')}</span>
            </div>
          )}
          <section
            ref={scroller}
            className="inbox-scroll"
            tabIndex={rows.length ? 0 : -1}
            aria-label={t('title')}
          >
            <ul className="inbox-list" style={{ height: virtual.getTotalSize() }} aria-label={t('title')}>
              {virtual.getVirtualItems().map((v) => {
                const row = rows[v.index]!;
                const isUnread = !opened.has(row.id);
                return (
                  <li
                    key={row.id}
                    className={isUnread ? 'inbox-row unread' : 'inbox-row'}
                    style={{ height: ROW, transform: `translateY(${v.start}px)` }}
                    aria-setsize={rows.length}
                    aria-posinset={v.index + 1}
                  >
                    <Link to={`/items/${encodeURIComponent(row.id)}`} className="inbox-title">
                      {isUnread && <span className="badge">{t('unread')}</span>}
                      <Text text={row.title} />
                    </Link>
                    <span>
                      <Text text={row.partnerName} /> ({row.partner})
                    </span>
                    <span>{row.topics.join(t('listSeparator'))}</span>
                    <span>
                      <Text text={row.level} />
                      {row.original && (
                        <>
                          {' 〔'}
                          <Text text={row.original} />
                          {'〕'}
                        </>
                      )}
                    </span>
                    <span>{row.modified ? formatDate(row.modified, lang) : ''}</span>
                  </li>
                );
              })}
            </ul>
          </section>
        </>
      )}
    </>
  );
}
