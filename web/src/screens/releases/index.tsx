import { QueueTable } from '../../components/QueueTable.js';
import { useAction } from '../../components/use-action.js';
import '../../components/officer.css';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, post } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { FourEyesButtons } from '../../components/FourEyesButtons.js';
import { useItemTitles, useLoad } from '../../components/officer-load.js';
import { reasonText } from '../../components/reason.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';
import { type Decision, Reasons } from './Reasons.js';

/** A release request as `GET /api/v1/releases` answers it. */
export interface ReleaseRequest {
  id: string;
  item: string;
  items?: string[];
  deniedItem?: string;
  to: string;
  under?: string;
  by: string;
  at: string;
  status: 'pending' | 'delivered' | 'refused' | 'denied';
  approvedBy?: string;
  approvedAt?: string;
  deliveredAt?: string;
  refusal?: { by: string; party: string; at: string; note?: string; code?: string; reason?: string };
  decision?: Decision;
}

/** Still waiting for a releasing officer: filed, neither approved nor refused. */
export function awaitingDecision(r: ReleaseRequest): boolean {
  return r.status === 'pending' && !r.approvedBy && !r.refusal;
}

/**
 * The release queue: requests waiting for a releasing officer, then those decided, each with the decision
 * and its reasons. The node lists every request for officers and only their own for an analyst.
 */
export default function Releases() {
  const { t } = useTranslation('releases');
  const { person } = useSession();
  const { data, error, reload } = useLoad<{ requests: ReleaseRequest[] }>('/releases');
  const [said, setSaid] = useState('');
  const requests = [...(data?.requests ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  const titles = useItemTitles(requests.map((r) => r.item));
  const officer = person.roles.includes('releasing-officer');
  const waiting = requests.filter(awaitingDecision);
  const decided = requests.filter((r) => !awaitingDecision(r));

  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{officer ? t('introOfficer') : t('introAnalyst')}</p>
      <p role="status">{said}</p>
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {data === undefined && !error ? <p>{t('loading')}</p> : null}
      {data && (
        <>
          <Queue
            caption={t('waiting')}
            requests={waiting}
            titles={titles}
            officer={officer}
            onDone={(message) => {
              setSaid(message);
              reload();
            }}
          />
          <Queue
            caption={t('decided')}
            requests={decided}
            titles={titles}
            officer={false}
            onDone={() => {}}
          />
        </>
      )}
    </div>
  );
}

function Queue({
  caption,
  requests,
  titles,
  officer,
  onDone,
}: {
  caption: string;
  requests: ReleaseRequest[];
  titles: Map<string, string>;
  officer: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('releases');
  return (
    <QueueTable
      caption={caption}
      empty={t('none')}
      count={requests.length}
      columns={[
        t('col.item'),
        t('col.requester'),
        t('col.partner'),
        t('col.agreement'),
        t('col.decision'),
        t('col.fourEyes'),
        officer && t('col.actions'),
      ]}
    >
      {requests.map((r) => (
        <Row key={r.id} request={r} title={titles.get(r.item)} officer={officer} onDone={onDone} />
      ))}
    </QueueTable>
  );
}

function Row({
  request: r,
  title,
  officer,
  onDone,
}: {
  request: ReleaseRequest;
  title: string | undefined;
  officer: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('releases');
  const { person, lang } = useSession();
  const [note, setNote] = useState('');
  const { busy, failure, run } = useAction();
  const noteId = useId();
  const ownRequest = r.by === person.name;
  const name = title ?? r.item;

  const act = (verb: 'approve' | 'refuse') =>
    run(async () => {
      const done = await post<ReleaseRequest>(
        `/releases/${encodeURIComponent(r.id)}/${verb}`,
        verb === 'refuse' && note.trim() ? { note: note.trim() } : {},
      );
      onDone(t(verb === 'approve' ? `done.approve.${done.status}` : 'done.refuse', { item: name }));
    });

  return (
    <tr>
      <td>
        {title ? <Text text={title} /> : <code>{r.item}</code>}
        {r.items && r.items.length > 1 && (
          <div className="muted">{t('batch', { count: r.items.length })}</div>
        )}
        <div className="muted">{formatDate(r.at, lang)}</div>
      </td>
      <td>
        <Text text={r.by} />
      </td>
      <td>{r.to}</td>
      <td>{r.under ? <code>{r.under}</code> : t('bilateral')}</td>
      <td>
        <span className="status">{t(`status.${r.status}`)}</span>
        {r.decision ? (
          <Reasons decision={r.decision} />
        ) : awaitingDecision(r) ? (
          <div className="muted">{t('notDecided')}</div>
        ) : null}
        {r.refusal && (
          <div>
            {t('refusedBy', { by: r.refusal.by, party: r.refusal.party })}
            {r.refusal.note && (
              <div>
                {t('note')}: <Text text={r.refusal.note} />
              </div>
            )}
            {r.refusal.reason && (
              <div>
                <Text {...reasonText({ code: r.refusal.code, message: r.refusal.reason })} />{' '}
                {r.refusal.code && <code>{r.refusal.code}</code>}
              </div>
            )}
          </div>
        )}
      </td>
      <td>
        <div>{t('filedBy', { by: r.by })}</div>
        <div>
          {r.approvedBy
            ? t('approvedBy', { by: r.approvedBy })
            : r.refusal && !r.refusal.by.startsWith('node:')
              ? t('refusedByPerson', { by: r.refusal.by })
              : t('awaitingOther')}
        </div>
      </td>
      {officer && (
        <td>
          <FourEyesButtons
            ownRequest={ownRequest}
            busy={busy}
            labels={{ approve: t('approve'), refuse: t('refuse'), fourEyes: t('fourEyes') }}
            onAnswer={(refuse) => act(refuse ? 'refuse' : 'approve')}
            failure={failure}
          >
            <label className="field" htmlFor={noteId}>
              {t('noteLabel')}
            </label>
            <textarea id={noteId} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
          </FourEyesButtons>
        </td>
      )}
    </tr>
  );
}
