import { useAction } from '../../components/use-action.js';
import '../../components/officer.css';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, patch } from '../../api/client.js';
import { ALL_ROLES } from '../../app/screens.js';
import { useSession } from '../../app/session.js';
import { useLoad } from '../../components/officer-load.js';
import { NATIVE_LANG, type RegistryLevel, useRegistry } from '../../components/officer-registry.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';

/** A person of the register, as `GET /api/v1/people` answers. */
export interface RegisterPerson {
  name: string;
  party: string;
  clearance: string;
  roles: string[];
  disabled: boolean;
  version: number;
  updatedAt: string;
}

/** The changes a row's form makes to a person: only what differs, so an unchanged field is never sent. */
export function changesOf(
  was: Pick<RegisterPerson, 'clearance' | 'roles'>,
  now: { clearance: string; roles: string[] },
): { clearance?: string; roles?: string[] } {
  const out: { clearance?: string; roles?: string[] } = {};
  if (now.clearance !== was.clearance) out.clearance = now.clearance;
  const sorted = (r: string[]) => [...r].sort().join(',');
  if (sorted(now.roles) !== sorted(was.roles)) out.roles = now.roles;
  return out;
}

/**
 * The people register (security officers, administrators): clearance, roles and status. A change takes
 * effect with the person's next request and ends their open streams; the node records who made it.
 */
export default function People() {
  const { t } = useTranslation('people');
  const { person } = useSession();
  const { data, error, reload } = useLoad<{ people: RegisterPerson[] }>('/people');
  const { registry } = useRegistry();
  const [said, setSaid] = useState('');
  const levels = registry?.parties.find((p) => p.code === person.party)?.levels ?? [];
  const people = [...(data?.people ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <p role="status">{said}</p>
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {data === undefined && !error ? <p>{t('loading')}</p> : null}
      {data && (
        <table>
          <caption>{t('caption', { count: people.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('col.clearance')}</th>
              <th scope="col">{t('col.roles')}</th>
              <th scope="col">{t('col.status')}</th>
              <th scope="col">{t('col.change')}</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <Row
                key={`${p.name}-${p.version}`}
                who={p}
                levels={levels}
                self={p.name === person.name}
                onDone={(m) => {
                  setSaid(m);
                  reload();
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Row({
  who,
  levels,
  self,
  onDone,
}: {
  who: RegisterPerson;
  levels: RegistryLevel[];
  self: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('people');
  const { lang } = useSession();
  const [clearance, setClearance] = useState(who.clearance);
  const [roles, setRoles] = useState<string[]>(who.roles);
  const { busy, failure, run } = useAction();
  const clearanceId = useId();
  const whyId = useId();
  const level = levels.find((l) => l.id === who.clearance);
  const changes = changesOf(who, { clearance, roles });
  const changed = Object.keys(changes).length > 0;

  const send = (body: object, message: string) =>
    run(async () => {
      await patch(`/people/${encodeURIComponent(who.name)}`, body);
      onDone(message);
    });

  return (
    <tr>
      <th scope="row">
        <Text text={who.name} />
        <div className="muted">{t('changed', { at: formatDate(who.updatedAt, lang) })}</div>
      </th>
      <td>
        {level ? (
          <span lang={NATIVE_LANG[who.party] === lang ? undefined : NATIVE_LANG[who.party]}>
            {level.native}
          </span>
        ) : null}{' '}
        <code>{who.clearance}</code>
      </td>
      <td>{who.roles.map((r) => t(`role.${r}`, { defaultValue: r })).join(', ')}</td>
      <td>
        <span className="status">{who.disabled ? t('disabled') : t('enabled')}</span>
      </td>
      <td>
        <div className="actions">
          <label className="field" htmlFor={clearanceId}>
            {t('clearanceOf', { name: who.name })}
          </label>
          {levels.length > 0 ? (
            <select
              id={clearanceId}
              value={clearance}
              disabled={self || busy}
              onChange={(e) => setClearance(e.target.value)}
            >
              {levels.map((l) => (
                // An option holds no inner element: the whole option takes the level name's language.
                <option
                  key={l.id}
                  value={l.id}
                  lang={NATIVE_LANG[who.party] === lang ? undefined : NATIVE_LANG[who.party]}
                >
                  {l.native} ({l.id})
                </option>
              ))}
            </select>
          ) : (
            <input
              id={clearanceId}
              value={clearance}
              disabled={self || busy}
              onChange={(e) => setClearance(e.target.value)}
            />
          )}
          <fieldset disabled={self || busy}>
            <legend>{t('rolesOf', { name: who.name })}</legend>
            {ALL_ROLES.map((r) => (
              <label key={r} style={{ display: 'block' }}>
                <input
                  type="checkbox"
                  checked={roles.includes(r)}
                  onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
                />{' '}
                {t(`role.${r}`)}
              </label>
            ))}
          </fieldset>
          <div className="buttons">
            <button
              type="button"
              disabled={self || busy || !changed}
              aria-describedby={self ? whyId : undefined}
              onClick={() => send(changes, t('saved', { name: who.name }))}
            >
              {t('save')}
            </button>
            <button
              type="button"
              disabled={self || busy}
              aria-describedby={self ? whyId : undefined}
              onClick={() =>
                send(
                  { disabled: !who.disabled },
                  t(who.disabled ? 'enabledNow' : 'disabledNow', { name: who.name }),
                )
              }
            >
              {who.disabled ? t('enable') : t('disable')}
            </button>
          </div>
          {self && (
            <p id={whyId} className="why-not">
              {t('self')}
            </p>
          )}
          {failure && <p role="alert">{failure}</p>}
        </div>
      </td>
    </tr>
  );
}
