import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { useAction } from '../../components/use-action.js';
import { formatDate } from '../../i18n/index.js';

/** This node's consent request to an originator, as `GET /api/v1/consent-requests` lists it (outgoing). */
interface Asked {
  status: string;
  request: { id: string; item: string; at: string; to?: string };
}

export interface OriginatorConsent {
  /** This node's latest request for passing the item to the partner, if any. */
  asked: Asked | undefined;
  /** Consents known to be granted (R15), in the label's form, for the preview. */
  consents: { by: string; at: string; to: string }[];
  reload: () => void;
}

/** While a request waits for the originator, its state is asked again this often. */
const POLL_MS = 4_000;

/**
 * The originator's consent to passing an item on to `partner` (R15), as this node asked for it: the latest
 * request and, once granted, the consent the node now holds (checked again by the node at approval).
 */
export function useOriginatorConsent(itemId: string, originator: string, partner: string): OriginatorConsent {
  const [rows, setRows] = useState<Asked[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    void tick;
    get<{ outgoing: Asked[] }>('/consent-requests')
      .then((d) => live && setRows(d.outgoing))
      .catch(() => live && setRows([]));
    return () => {
      live = false;
    };
  }, [tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const asked = rows
    .filter((r) => r.request.item === itemId && r.request.to === partner)
    .sort((a, b) => b.request.at.localeCompare(a.request.at))[0];
  const waiting = asked?.status === 'pending';
  useEffect(() => {
    if (!waiting) return;
    const id = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(id);
  }, [waiting, reload]);
  const grantedAt = asked?.status === 'granted' ? asked.request.at : undefined;
  // One array per consent, so the preview is computed again only when it changes.
  const consents = useMemo(
    () => (grantedAt ? [{ by: originator, at: grantedAt, to: partner }] : []),
    [grantedAt, originator, partner],
  );
  return { asked, consents, reload };
}

/**
 * "Ask the originator's consent": shown on the release form when the release needs the originator's consent
 * naming the partner (R15), with the state of this node's request for it.
 */
export function ConsentRequest({
  itemId,
  needed,
  originatorName,
  partner,
  partnerName,
  consent,
}: {
  itemId: string;
  /** The release, as the labels and the consents known stand, needs the originator's consent. */
  needed: boolean;
  originatorName: string;
  partner: string;
  partnerName: string;
  consent: OriginatorConsent;
}) {
  const { t } = useTranslation('reader');
  const { lang } = useSession();
  const { busy, failure: error, run } = useAction();
  const { asked } = consent;
  const names = { originator: originatorName, partner: partnerName };

  const ask = () =>
    run(async () => {
      await post('/consent-requests', { item: itemId, to: partner });
      consent.reload();
    });

  if (asked?.status === 'granted') {
    return (
      <p className="consent-state" role="status">
        {t('consent.granted', names)}
      </p>
    );
  }
  if (!needed) return null;
  const canAsk = asked?.status !== 'pending';
  return (
    <div className="consent-request">
      <p className="consent-state" role="status">
        {asked?.status === 'pending'
          ? t('consent.pending', { ...names, at: formatDate(asked.request.at, lang) })
          : asked?.status === 'refused'
            ? t('consent.refused', names)
            : t('consent.needed', names)}
      </p>
      {canAsk && (
        <button type="button" onClick={ask} disabled={busy}>
          {t('consent.ask')}
        </button>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
