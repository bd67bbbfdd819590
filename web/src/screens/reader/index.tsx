import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get, post, sentWithPage } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { Banner, type Tier } from '../../components/Banner.js';
import {
  type CompiledRegistry,
  loadRegistry,
  receivedUnder,
  registryFrom,
  renderLabel,
  type ServedPortion,
  type Stix,
  servedPortions,
  tierOfLevel,
} from '../../components/label-core.js';
import { MixedText } from '../../components/MixedText.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';
import { openedStore } from '../inbox/unread.js';
import { History } from './History.js';
import { RequestRelease } from './RequestRelease.js';
import './reader.css';

interface ItemAnswer {
  item: Stix;
  markings: Stix[];
  label?: {
    banner: string;
    lines: {
      classification: { party: string; level: string } | null;
      original: { party: string; level: string } | null;
    }[];
  };
}

/** The banner's colour: the tier of the reader's level of the banner's highest line (what the reader is shown). */
function bannerTier(reg: CompiledRegistry, answer: ItemAnswer): Tier {
  const line = answer.label?.lines[0];
  const level = line?.classification ?? line?.original;
  return level ? tierOfLevel(reg, level.party, level.level) : 'U';
}

/** A portion's first line: its mark in the reader's terms, as the core renders the label for the reader. */
function portionMark(
  reg: CompiledRegistry,
  p: ServedPortion,
  reader: string,
  lang: 'ko' | 'ja' | 'en',
  agreements: Record<string, string>,
): string {
  if (!p.label) return '';
  try {
    return `(${renderLabel(reg, p.label, { reader, lang, agreement: agreements[p.label.originator] }).banner})`;
  } catch {
    return '';
  }
}

export default function Reader({ params }: { params: Record<string, string> }) {
  const { t } = useTranslation('reader');
  const { person, lang } = useSession();
  const id = params.id ?? '';
  const itemPath = `/items/${encodeURIComponent(id)}?lang=${lang}`;
  // A report opened by its address came with the page: its first render shows it.
  const [answer, setAnswer] = useState<ItemAnswer | null>(() => sentWithPage<ItemAnswer>(itemPath) ?? null);
  const [reg, setReg] = useState<CompiledRegistry | null>(() => registryFrom(sentWithPage('/registry')));
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [printError, setPrintError] = useState<string | null>(null);

  // A print is a custody step (R26): the node decides and numbers it first; a refusal (ORCON) prints nothing.
  const print = () => {
    setPrintError(null);
    post(`/items/${encodeURIComponent(id)}/custody/print`, {})
      .then(() => window.print())
      .catch((e) => setPrintError(errorText(e)));
  };

  useEffect(() => {
    let stop = false;
    setAnswer((shown) => (shown && shown.item.id === id ? shown : null));
    setError(null);
    Promise.all([get<ItemAnswer>(itemPath), loadRegistry(get)])
      .then(([a, r]) => {
        if (stop) return;
        setAnswer(a);
        setReg(r);
        openedStore(person.name).markOpened(id);
      })
      .catch((e) => !stop && setError(errorText(e)));
    return () => {
      stop = true;
    };
  }, [id, itemPath, person.name]);

  if (error) return <p role="alert">{t('failed', { message: error })}</p>;
  if (!answer || !reg) return <p className="loading">{t('loading')}</p>;

  const item = answer.item;
  const portions = servedPortions(item, answer.markings);
  const agreements = receivedUnder(answer.markings, person.party);
  const tier = bannerTier(reg, answer);
  const bannerText = answer.label?.banner ?? '';
  const title = typeof item.name === 'string' ? item.name : item.id;
  const description = typeof item.description === 'string' ? item.description : null;
  // STIX's own `lang` says what the report is written in (an English report in a Korean page, WCAG 3.1.2).
  const textLang = typeof item.lang === 'string' ? item.lang : null;
  const floorId = ((item.object_marking_refs as string[] | undefined) ?? [])[0];
  const floorMarking = answer.markings.find((m) => m.id === floorId);
  const mayAsk = person.roles.includes('analyst') || person.roles.includes('releasing-officer');
  // A long report marks most paragraphs alike: each distinct label is rendered once.
  const marks = new Map<string, string>();
  // One translation for every paragraph's name, not one per paragraph (a number put into the same words).
  const paragraphName = t('paragraph', { n: '\u0001' });
  const nameOf = (p: ServedPortion) => paragraphName.replace('\u0001', String(p.index + 1));
  const markOf = (p: ServedPortion): string => {
    const key = p.markingId ?? '';
    let mark = marks.get(key);
    if (mark === undefined) {
      mark = portionMark(reg, p, person.party, lang, agreements);
      marks.set(key, mark);
    }
    return mark;
  };

  return (
    <div className="reader">
      <Banner text={bannerText} tier={tier} label={t('banner')} />
      <div className="reader-tools no-print">
        {mayAsk && (
          <button type="button" onClick={() => setAsking((v) => !v)} aria-expanded={asking}>
            {t('requestRelease')}
          </button>
        )}
        <button type="button" onClick={print}>
          {t('print')}
        </button>
      </div>
      {printError && <p role="alert">{t('printRefused', { message: printError })}</p>}
      {asking && floorMarking && (
        <div className="no-print">
          <RequestRelease
            reg={reg}
            itemId={item.id}
            floorMarking={floorMarking}
            portions={portions}
            onClose={() => setAsking(false)}
          />
        </div>
      )}
      <div className="report">
        <Text as="h1" text={title} lang={textLang} className="report-title" />
        <p className="report-meta">
          {t('meta', {
            type: item.type,
            modified: formatDate(String(item.modified ?? item.created ?? ''), lang),
          })}
        </p>
        {description && <Text as="p" text={description} lang={textLang} />}
        {portions.map((p) =>
          p.withheld ? (
            <article key={p.index} className="portion withheld" aria-label={nameOf(p)}>
              <p className="portion-mark">{t('withheld')}</p>
              <p>{t('withheldWhy')}</p>
            </article>
          ) : (
            <article key={p.index} className="portion" aria-label={nameOf(p)}>
              <p className="portion-mark">
                <MixedText text={markOf(p)} />
              </p>
              <Text as="p" text={p.text ?? ''} lang={textLang} />
            </article>
          ),
        )}
      </div>
      <div className="no-print">
        <History itemId={item.id} />
      </div>
      <Banner text={bannerText} tier={tier} label={t('banner')} />
    </div>
  );
}
