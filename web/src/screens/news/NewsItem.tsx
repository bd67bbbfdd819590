import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get } from '../../api/client.js';
import { useSession } from '../../app/session.js';
import { Banner, type Tier } from '../../components/Banner.js';
import { type CompiledRegistry, loadRegistry, type Stix, tierOfLevel } from '../../components/label-core.js';
import { MixedText } from '../../components/MixedText.js';
import { Text } from '../../components/Text.js';
import { formatDate } from '../../i18n/index.js';
import { type Entity, type NewsItem, segments } from './news.js';

interface ItemAnswer {
  item: Stix;
  label?: {
    banner: string;
    lines: {
      classification: { party: string; level: string } | null;
      original: { party: string; level: string } | null;
    }[];
  };
}

interface Loaded {
  id: string;
  answer: ItemAnswer;
  entities: Entity[];
  reg: CompiledRegistry;
}

/** The banner's colour: the tier of the reader's level of the banner's highest line (what they are shown). */
function tierOf(reg: CompiledRegistry, answer: ItemAnswer): Tier {
  const line = answer.label?.lines[0];
  const level = line?.classification ?? line?.original;
  return level ? tierOfLevel(reg, level.party, level.level) : 'U';
}

/**
 * One news item: its banner, the headline and text exactly as published with what the text mentions marked,
 * and the list of those entities named as the reader's nation names them.
 */
export function NewsItemView({ id, listed }: { id: string; listed: NewsItem | null }) {
  const { t } = useTranslation('news');
  const { lang } = useSession();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stop = false;
    setError(null);
    const path = `/items/${encodeURIComponent(id)}`;
    Promise.all([
      get<ItemAnswer>(`${path}?lang=${lang}`),
      get<Entity[]>(`${path}/entities?lang=${lang}`),
      loadRegistry(get),
    ])
      .then(([answer, entities, reg]) => !stop && setLoaded({ id, answer, entities, reg }))
      .catch((e) => !stop && setError(errorText(e)));
    return () => {
      stop = true;
    };
  }, [id, lang]);

  if (error) return <p role="alert">{t('item.failed', { message: error })}</p>;
  if (!loaded || loaded.id !== id) return <p className="loading">{t('item.loading')}</p>;

  const { item } = loaded.answer;
  const headline = typeof item.name === 'string' ? item.name : (listed?.headline ?? item.id);
  const text = typeof item.description === 'string' ? item.description : '';
  const ref = (Array.isArray(item.external_references) ? item.external_references[0] : undefined) as
    | { source_name?: string; url?: string }
    | undefined;
  const published = typeof item.published === 'string' ? item.published : undefined;
  const tier = tierOf(loaded.reg, loaded.answer);
  const bannerText = loaded.answer.label?.banner ?? '';
  const entities = loaded.entities;

  return (
    <article className="news-item" aria-labelledby="news-item-title">
      <Banner text={bannerText} tier={tier} label={t('item.banner')} />
      <h2 id="news-item-title">
        <Text text={headline} />
      </h2>
      <dl className="news-facts">
        {ref?.source_name && (
          <>
            <dt>{t('source')}</dt>
            <dd>
              <Text text={ref.source_name} />
            </dd>
          </>
        )}
        {published && (
          <>
            <dt>{t('published')}</dt>
            <dd>
              <time dateTime={published}>{formatDate(published, lang)}</time>
            </dd>
          </>
        )}
        {listed && (
          <>
            <dt>{t('added')}</dt>
            <dd>
              <time dateTime={listed.added}>{formatDate(listed.added, lang)}</time>
            </dd>
          </>
        )}
      </dl>
      {ref?.url && /^https?:/i.test(ref.url) && (
        <p>
          <a href={ref.url} rel="noreferrer noopener" target="_blank">
            {t('item.original')}
          </a>
        </p>
      )}
      <h3>{t('item.text')}</h3>
      {text ? (
        <blockquote className="news-text">
          {segments(text, entities).map((s, i) =>
            s.entity ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positions in one fixed text
              <mark key={i} data-entity={s.entity.id}>
                <MixedText text={s.text} />
              </mark>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: segments are positions in one fixed text
              <MixedText key={i} text={s.text} />
            ),
          )}
        </blockquote>
      ) : (
        <p>{t('item.noText')}</p>
      )}
      <h3>{t('item.entities')}</h3>
      {entities.length === 0 ? (
        <p>{t('item.none')}</p>
      ) : (
        <ul className="news-entities">
          {entities.map((e) => (
            <li key={e.id}>
              <Text text={e.name} className="entity-name" />{' '}
              <span className="news-meta">
                {t(`item.kind.${e.kind}`)} · {t('item.mentions', { count: e.mentions.length })}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Banner text={bannerText} tier={tier} label={t('item.banner')} />
    </article>
  );
}
