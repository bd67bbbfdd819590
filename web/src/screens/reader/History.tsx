import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';

interface CustodyRecord {
  seq: number;
  kind: string;
  copyNumber: number | null;
  by: string;
  at: string;
}

interface ReleaseRequest {
  id: string;
  to: string;
  under?: string;
  by: string;
  at: string;
  status: string;
  note?: string;
  approvedBy?: string;
}

/**
 * The item's custody and release history, as the node serves them to this reader: both routes answer only
 * to whom may read the item, and the release history names no other item of a batch (the server filters).
 */
export function History({ itemId }: { itemId: string }) {
  const { t } = useTranslation('reader');
  const { lang } = useSession();
  const [custody, setCustody] = useState<CustodyRecord[] | null>(null);
  const [releases, setReleases] = useState<ReleaseRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stop = false;
    const path = `/items/${encodeURIComponent(itemId)}`;
    get<{ records: CustodyRecord[] }>(`${path}/custody`)
      .then((a) => !stop && setCustody(a.records))
      .catch((e) => !stop && setError(errorText(e)));
    get<{ requests: ReleaseRequest[] }>(`${path}/releases`)
      .then((a) => !stop && setReleases(a.requests))
      .catch((e) => !stop && setError(errorText(e)));
    return () => {
      stop = true;
    };
  }, [itemId]);

  return (
    <section aria-labelledby="history-custody" className="history">
      {error && <p role="alert">{t('historyFailed', { message: error })}</p>}
      <h2 id="history-custody">{t('custody.title')}</h2>
      {custody && custody.length === 0 && <p>{t('custody.none')}</p>}
      {custody && custody.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('custody.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('custody.seq')}</th>
              <th scope="col">{t('custody.kind')}</th>
              <th scope="col">{t('custody.copy')}</th>
              <th scope="col">{t('custody.by')}</th>
              <th scope="col">{t('custody.at')}</th>
            </tr>
          </thead>
          <tbody>
            {custody.map((r) => (
              <tr key={r.seq}>
                <td>{r.seq}</td>
                <td>{t(`custody.kinds.${r.kind}`, { defaultValue: r.kind })}</td>
                <td>{r.copyNumber ?? '—'}</td>
                <Text as="td" text={r.by} />
                <td>{formatDate(r.at, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('releases.title')}</h2>
      {releases && releases.length === 0 && <p>{t('releases.none')}</p>}
      {releases && releases.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('releases.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('releases.to')}</th>
              <th scope="col">{t('releases.under')}</th>
              <th scope="col">{t('releases.by')}</th>
              <th scope="col">{t('releases.at')}</th>
              <th scope="col">{t('releases.status')}</th>
            </tr>
          </thead>
          <tbody>
            {releases.map((r) => (
              <tr key={r.id}>
                <td>{r.to}</td>
                <td>{r.under ?? t('releases.bilateral')}</td>
                <Text as="td" text={r.by} />
                <td>{formatDate(r.at, lang)}</td>
                <td>{t(`releases.states.${r.status}`, { defaultValue: r.status })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
