import '../../components/officer.css';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import {
  NATIVE_LANG,
  type RegistryAgreement,
  type RegistryParty,
  useRegistry,
} from '../../components/officer-registry.js';
import { Text } from '../../components/Text.js';
import { stateToday, timeline } from './timeline.js';

/**
 * The agreements of the node's registry: each with its state timeline (the registry's lifecycle, as the node
 * decides) and its equivalence table, the parties' own level names side by side.
 */
export default function Agreements() {
  const { t } = useTranslation('agreements');
  const { registry, error } = useRegistry();
  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {!registry && !error ? <p>{t('loading')}</p> : null}
      {registry?.agreements.map((a) => (
        <AgreementView key={a.id} agreement={a} parties={registry.parties} />
      ))}
    </div>
  );
}

function partyName(parties: RegistryParty[], code: string, lang: string): string {
  return parties.find((p) => p.code === code)?.name[lang] ?? code;
}

function AgreementView({
  agreement: a,
  parties,
}: {
  agreement: RegistryAgreement;
  parties: RegistryParty[];
}) {
  const { t } = useTranslation('agreements');
  const { lang } = useSession();
  const headingId = `agreement-${a.id}`;
  const now = stateToday(a);
  return (
    <section aria-labelledby={headingId} style={{ borderTop: '1px solid #ccc', marginTop: '1rem' }}>
      <h2 id={headingId}>
        <code>{a.id}</code> · <span className="status">{t(`state.${now}`)}</span>
      </h2>
      <Text text={a.title} lang="en" as="p" />
      <p className="muted">
        {t(`kind.${a.kind}`, { defaultValue: a.kind })} ·{' '}
        {a.parties.map((p) => partyName(parties, p, lang)).join(', ')}
        {a.hub ? ` · ${t('hub', { party: partyName(parties, a.hub, lang) })}` : ''}
      </p>
      <div className="side-by-side">
        <div>
          <h3>{t('timeline')}</h3>
          <ol className="timeline">
            {timeline(a).map((s) => (
              <li key={`${s.date}-${s.type}`}>
                <time dateTime={s.date}>{s.date}</time> — {t(`event.${s.type}`, { defaultValue: s.type })}
                {s.by ? ` (${partyName(parties, s.by, lang)})` : ''} →{' '}
                <strong>{t(`state.${s.state}`)}</strong>
                {' · '}
                {s.releasesAllowed ? t('releasesAllowed') : t('releasesStopped')}
                {s.note && (
                  <div>
                    <Text text={s.note} />
                  </div>
                )}
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3>{t('equivalence')}</h3>
          <Equivalence agreement={a} parties={parties} />
        </div>
      </div>
    </section>
  );
}

function Equivalence({ agreement: a, parties }: { agreement: RegistryAgreement; parties: RegistryParty[] }) {
  const { t } = useTranslation('agreements');
  const { lang } = useSession();
  const covered = a.table.some((row) => Object.keys(row.levels).length > 0);
  if (!covered) return <p className="muted">{t('noTable')}</p>;
  return (
    <table>
      <caption className="visually-hidden">{t('equivalenceOf', { id: a.id })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('tier')}</th>
          {a.parties.map((p) => (
            <th key={p} scope="col">
              {partyName(parties, p, lang)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {a.table.map((row) => (
          <tr key={row.tier}>
            <th scope="row">{t(`tiers.${row.tier}`, { defaultValue: row.tier })}</th>
            {a.parties.map((p) => {
              const party = parties.find((x) => x.code === p);
              const levels = [...(party?.levels ?? []), ...(party?.designations ?? [])];
              const ids = row.levels[p] ?? [];
              return (
                <td key={p}>
                  {ids.length === 0
                    ? t('notCovered')
                    : ids.map((id) => {
                        const l = levels.find((x) => x.id === id);
                        const native = NATIVE_LANG[p];
                        return (
                          <div key={id}>
                            <span lang={native === lang ? undefined : native}>{l?.native ?? id}</span>{' '}
                            <span className="muted" lang={lang === 'en' ? undefined : 'en'}>
                              ({l ? `${l.romanised}; ${l.en}` : id})
                            </span>
                          </div>
                        );
                      })}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
