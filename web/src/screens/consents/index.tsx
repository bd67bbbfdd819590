import { QueueTable } from '../../components/QueueTable.js';
import { useAction } from '../../components/use-action.js';
import '../../components/officer.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, post } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { FourEyesButtons } from '../../components/FourEyesButtons.js';
import { useItemTitles, useLoad } from '../../components/officer-load.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';

/** A consent request as `GET /api/v1/consent-requests` lists it: its state, the request, who asked here. */
export interface ConsentRow {
  status: string;
  askedBy?: string;
  request: {
    id: string;
    item: string;
    by: string;
    at: string;
    to?: string;
    purpose?: string;
    actions?: string[];
    holder?: string;
    note?: string;
  };
}

/** R34: a releasing officer never grants a consent they asked for themselves. */
export function askedByMe(row: ConsentRow, person: { name: string; party: string }): boolean {
  return row.request.by === person.party && row.askedBy === person.name;
}

/**
 * Originator consent: partners ask this nation (as originator) to pass an item on, use it for another
 * purpose or act on it (incoming, answered here); this nation's own requests to other originators (outgoing).
 */
export default function Consents() {
  const { t } = useTranslation('consents');
  const { data, error, reload } = useLoad<{ incoming: ConsentRow[]; outgoing: ConsentRow[] }>(
    '/consent-requests',
  );
  const [said, setSaid] = useState('');
  const byNewest = (rows: ConsentRow[] = []) =>
    [...rows].sort((a, b) => b.request.at.localeCompare(a.request.at));
  const incoming = byNewest(data?.incoming);
  const outgoing = byNewest(data?.outgoing);
  const titles = useItemTitles([...incoming, ...outgoing].map((r) => r.request.item));
  return (
    <div className="officer">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <p role="status">{said}</p>
      {error ? <p role="alert">{errorText(error)}</p> : null}
      {data === undefined && !error ? <p>{t('loading')}</p> : null}
      {data && (
        <>
          <Table
            caption={t('incoming')}
            rows={incoming}
            titles={titles}
            answerable
            onDone={(m) => {
              setSaid(m);
              reload();
            }}
          />
          <Table
            caption={t('outgoing')}
            rows={outgoing}
            titles={titles}
            answerable={false}
            onDone={() => {}}
          />
        </>
      )}
    </div>
  );
}

function Table({
  caption,
  rows,
  titles,
  answerable,
  onDone,
}: {
  caption: string;
  rows: ConsentRow[];
  titles: Map<string, string>;
  answerable: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('consents');
  return (
    <QueueTable
      caption={caption}
      empty={t('none')}
      count={rows.length}
      columns={[
        t('col.item'),
        t('col.requester'),
        t('col.partner'),
        t('col.asks'),
        t('col.state'),
        answerable && t('col.actions'),
      ]}
    >
      {rows.map((r) => (
        <Row
          key={r.request.id}
          row={r}
          title={titles.get(r.request.item)}
          answerable={answerable}
          onDone={onDone}
        />
      ))}
    </QueueTable>
  );
}

function Row({
  row,
  title,
  answerable,
  onDone,
}: {
  row: ConsentRow;
  title: string | undefined;
  answerable: boolean;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation('consents');
  const { person, lang } = useSession();
  const { busy, failure, run } = useAction();
  const r = row.request;
  const mine = askedByMe(row, person);
  const name = title ?? r.item;
  const asks = r.to
    ? t('asks.to', { party: r.to })
    : r.purpose
      ? t('asks.purpose', { purpose: r.purpose })
      : t('asks.actions', { actions: (r.actions ?? []).join(', ') });

  const answer = (refuse: boolean) =>
    run(async () => {
      await post(`/consent-requests/${encodeURIComponent(r.id)}/answer`, refuse ? { refuse: true } : {});
      onDone(t(refuse ? 'done.refused' : 'done.granted', { item: name }));
    });

  return (
    <tr>
      <td>
        {title ? <Text text={title} /> : <code>{r.item}</code>}
        <div className="muted">{formatDate(r.at, lang)}</div>
      </td>
      <td>{row.askedBy ? <Text text={row.askedBy} /> : t('theirNode', { party: r.by })}</td>
      <td>{r.by}</td>
      <td>
        <Text text={asks} />
        {r.holder && <div className="muted">{t('holder', { party: r.holder })}</div>}
        {r.note && (
          <div>
            {t('note')}: <Text text={r.note} />
          </div>
        )}
      </td>
      <td>
        <span className="status">{t(`status.${row.status}`, { defaultValue: row.status })}</span>
      </td>
      {answerable && (
        <td>
          {row.status === 'pending' ? (
            <FourEyesButtons
              ownRequest={mine}
              busy={busy}
              labels={{ approve: t('approve'), refuse: t('refuse'), fourEyes: t('fourEyes') }}
              onAnswer={answer}
              failure={failure}
            />
          ) : (
            <span className="muted">{t('answered')}</span>
          )}
        </td>
      )}
    </tr>
  );
}
