import '../../components/officer.css';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../api/client.js';
import { useRouter } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { MixedText } from '../../components/MixedText.js';
import { useLoad } from '../../components/officer-load.js';
import { langAttr, Text, visibleBidi } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';

/** One custody record, as `GET /api/v1/items/:id/custody` lists them (oldest first). */
export interface CustodyRecord {
  seq: number;
  itemId: string;
  kind: string;
  copyNumber: number | null;
  by: string;
  at: string;
  details: Record<string, unknown>;
}

/** A record's details as "key: value" lines a person reads (nested values as JSON text, never markup). */
export function detailLines(details: Record<string, unknown>): string[] {
  return Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

/** An item's custody timeline: receipt, copies, translations, prints, exports, returns and destruction. */
export default function Custody() {
  const { t } = useTranslation('custody');
  const { place, navigate } = useRouter();
  const chosen = place.query.get('item') ?? '';
  const [typed, setTyped] = useState(chosen);
  const pickId = useId();
  const typedId = useId();
  const { lang } = useSession();
  const items = useLoad<{ items: { id: string; name?: string }[]; banners: Record<string, string> }>(
    `/items?limit=200&lang=${lang}`,
  );
  const custody = useLoad<{ records: CustodyRecord[] }>(
    chosen ? `/items/${encodeURIComponent(chosen)}/custody` : null,
  );
  const show = (id: string) => navigate(`/custody${id ? `?item=${encodeURIComponent(id)}` : ''}`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    show(typed.trim());
  };
  const reports = (items.data?.items ?? []).filter((i) => typeof i.name === 'string');
  const banner = chosen ? items.data?.banners[chosen] : undefined;

  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form className="inline" onSubmit={submit}>
        <label className="field" htmlFor={pickId}>
          {t('pick')}
          <select
            id={pickId}
            value={reports.some((i) => i.id === chosen) ? chosen : ''}
            onChange={(e) => {
              setTyped(e.target.value);
              show(e.target.value);
            }}
          >
            <option value="">{t('choose')}</option>
            {reports.map((i) => (
              // The name alone: an option holds no inner element, so a banner mixing languages could not mark
              // its Korean or Japanese run (WCAG 3.1.2); the chosen item's banner shows below, run by run.
              <option key={i.id} value={i.id} lang={langAttr(i.name!, lang)}>
                {visibleBidi(i.name!)}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={typedId}>
          {t('byId')}
          <input id={typedId} value={typed} onChange={(e) => setTyped(e.target.value)} size={50} />
        </label>
        <button type="submit">{t('show')}</button>
      </form>
      {chosen && (
        <section aria-label={t('timeline')}>
          <h2>
            {t('timeline')}: <code>{chosen}</code>
          </h2>
          {banner ? (
            <p>
              <MixedText text={banner} />
            </p>
          ) : null}
          {custody.error ? <p role="alert">{errorText(custody.error)}</p> : null}
          {custody.data && <Timeline records={custody.data.records} />}
        </section>
      )}
    </div>
  );
}

function Timeline({ records }: { records: CustodyRecord[] }) {
  const { t } = useTranslation('custody');
  const { lang } = useSession();
  if (records.length === 0) return <p className="muted">{t('none')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('col.when')}</th>
          <th scope="col">{t('col.what')}</th>
          <th scope="col">{t('col.copy')}</th>
          <th scope="col">{t('col.who')}</th>
          <th scope="col">{t('col.where')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.seq}>
            <td>{formatDate(r.at, lang)}</td>
            <td>{t(`kind.${r.kind}`, { defaultValue: r.kind })}</td>
            <td>{r.copyNumber ?? '—'}</td>
            <td>
              <Text text={r.by} />
            </td>
            <td>
              {detailLines(r.details).map((line) => (
                <Text key={line} text={line} as="div" />
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
