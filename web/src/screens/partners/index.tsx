import '../../components/officer.css';
import { useTranslation } from 'react-i18next';
// The node's own type of what `GET /api/v1/partners` answers (fingerprints only, never key material).
import type { PartnerView } from '../../../../src/node/service.js';
import { errorText } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../components/officer-load.js';
import { formatDate } from '../../i18n/index.js';

/** The partner book (administrators): who this node exchanges with, where, and the keys it trusts. */
export default function Partners() {
  const { t } = useTranslation('partners');
  const { lang } = useSession();
  const { data, error } = useLoad<{ partners: PartnerView[] }>('/partners');
  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {data === undefined && !error ? <p>{t('loading')}</p> : null}
      {data && data.partners.length === 0 && <p className="muted">{t('none')}</p>}
      {data && data.partners.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.party')}</th>
              <th scope="col">{t('col.endpoint')}</th>
              <th scope="col">{t('col.keys')}</th>
              <th scope="col">{t('col.added')}</th>
            </tr>
          </thead>
          <tbody>
            {[...data.partners]
              .sort((a, b) => a.party.localeCompare(b.party))
              .map((p) => (
                <tr key={p.party}>
                  <th scope="row">
                    {p.party}{' '}
                    <span className="status">{t(`status.${p.status}`, { defaultValue: p.status })}</span>
                  </th>
                  <td>
                    <code>{p.url}</code>
                  </td>
                  <td>
                    <dl style={{ margin: 0 }}>
                      <dt>{t('key.signing')}</dt>
                      <dd>
                        <code>{p.keys.signing.fingerprint}</code>
                        {p.keys.signing.kid && <div>{t('kid', { kid: p.keys.signing.kid })}</div>}
                      </dd>
                      <dt>{t('key.encryption')}</dt>
                      <dd>
                        <code>{p.keys.encryption.fingerprint}</code>
                        {p.keys.encryption.kid && <div>{t('kid', { kid: p.keys.encryption.kid })}</div>}
                      </dd>
                      <dt>{t('key.tlsCa')}</dt>
                      <dd>
                        <code>{p.keys.tlsCa.fingerprint}</code>
                      </dd>
                    </dl>
                  </td>
                  <td>
                    {formatDate(p.addedAt, lang)}
                    {p.updatedAt !== p.addedAt && (
                      <div className="muted">{t('updated', { at: formatDate(p.updatedAt, lang) })}</div>
                    )}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
