import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, post } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { Banner } from '../../components/Banner.js';
import {
  type CompiledRegistry,
  type ServedPortion,
  type Stix,
  servedLabel,
} from '../../components/label-core.js';
import { reasonText } from '../../components/reason.js';
import { Text } from '../../components/Text.js';
import { ConsentRequest, useOriginatorConsent } from './Consent.js';
import { previewRelease } from './preview.js';

/** The reasons a release needs the originator's consent naming the partner (R15, R16). */
const CONSENT_CODES = new Set(['THIRD_PARTY_CONSENT_REQUIRED', 'ORCON_CONSENT_REQUIRED']);

/**
 * "Request release": partner, agreement, note, and a preview of what the partner will see (computed with the
 * core from the labels of what this reader is shown), then `POST /api/v1/releases`. A releasing officer who
 * did not file it decides (R34).
 */
export function RequestRelease({
  reg,
  itemId,
  floorMarking,
  portions,
  onClose,
}: {
  reg: CompiledRegistry;
  itemId: string;
  floorMarking: Stix;
  portions: ServedPortion[];
  onClose: () => void;
}) {
  const { t } = useTranslation('reader');
  const { person, lang } = useSession();
  const holder = person.party;
  const partners = [...reg.parties.keys()].filter((p) => p !== holder);
  const floorLabel = useMemo(() => servedLabel(floorMarking), [floorMarking]);
  // Start with a party the item is releasable to, the usual request.
  const [partner, setPartner] = useState(
    partners.find((p) => floorLabel.releasableTo?.includes(p)) ?? partners[0] ?? '',
  );
  const [under, setUnder] = useState('');
  const [note, setNote] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const agreements = [...reg.agreements.values()].filter(
    (a) => a.parties.has(holder) && a.parties.has(partner),
  );
  const floor = floorLabel;
  const consent = useOriginatorConsent(itemId, floor.originator, partner);
  const consents = consent.consents;
  const preview = useMemo(
    () =>
      partner
        ? previewRelease(reg, {
            holder,
            partner,
            under,
            at: new Date().toISOString(),
            floor,
            portions,
            consents,
          })
        : null,
    [reg, holder, partner, under, floor, portions, consents],
  );
  // R15/R16: the release waits for the originator's consent naming the partner.
  const needsConsent =
    floor.originator !== holder && (preview?.release.reasons ?? []).some((r) => CONSENT_CODES.has(r.code));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const filed = await post<{ id: string }>('/releases', {
        item: itemId,
        to: partner,
        ...(under ? { under } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setResult(filed.id);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const partyName = (code: string) => reg.parties.get(code)?.def.name[lang] ?? code;
  const reasons = (list: { code: string; message: string }[]) =>
    list.map((r) => reasonText(r).text).join(' · ');

  return (
    <form className="request-release" onSubmit={submit} aria-labelledby="request-release-title">
      <h2 id="request-release-title">{t('release.title')}</h2>
      <label>
        {t('release.partner')}
        <select
          value={partner}
          onChange={(e) => {
            setPartner(e.target.value);
            setUnder('');
          }}
        >
          {partners.map((p) => (
            <option key={p} value={p}>
              {partyName(p)} ({p})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('release.agreement')}
        <select value={under} onChange={(e) => setUnder(e.target.value)}>
          <option value="">{t('release.bilateral')}</option>
          {agreements.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('release.note')}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={4000} />
      </label>

      {preview && (
        <section aria-labelledby="preview-title" className="preview">
          <h3 id="preview-title">{t('preview.title', { partner: partyName(partner) })}</h3>
          <p>
            {preview.release.decision === 'permit'
              ? t('preview.releasable')
              : t('preview.notReleasable', { reasons: reasons(preview.release.reasons) })}
          </p>
          <ConsentRequest
            itemId={itemId}
            needed={needsConsent}
            originatorName={partyName(floor.originator)}
            partner={partner}
            partnerName={partyName(partner)}
            consent={consent}
          />
          <p className="hint">{t('preview.consentsNote')}</p>
          {preview.banner ? (
            <Banner
              text={preview.banner.text}
              tier={preview.banner.tier}
              label={t('preview.banner')}
              lang={preview.lang === lang ? undefined : preview.lang}
            />
          ) : (
            <p>{preview.bannerError ?? t('preview.nothing', { reasons: reasons(preview.floor.reasons) })}</p>
          )}
          <ul>
            {preview.portions.map((p) => (
              <li key={p.index}>
                {t('paragraph', { n: p.index + 1 })}:{' '}
                {p.state === 'shown'
                  ? t('preview.shown')
                  : p.state === 'withheld'
                    ? t('preview.withheld', { reasons: reasons(p.reasons) })
                    : t('preview.unknown')}
              </li>
            ))}
          </ul>
        </section>
      )}

      {error && <p role="alert">{error}</p>}
      {result && (
        <p role="status">
          {t('release.filed')} <Text text={result} />
        </p>
      )}
      <div className="buttons">
        <button type="submit" disabled={busy || !partner}>
          {t('release.submit')}
        </button>
        <button type="button" onClick={onClose}>
          {t('release.close')}
        </button>
      </div>
    </form>
  );
}
