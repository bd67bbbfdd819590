import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, get, post } from '../../api/client.js';
import { useRouter } from '../../app/router.js';
import { useSession } from '../../app/session.js';
import { Banner } from '../../components/Banner.js';
import { type CompiledRegistry, computeBanner, loadRegistry, topicsIn } from '../../components/label-core.js';
import { langAttr } from '../../components/Text.js';
import { buildReport, type Draft, draftLabels, type Paragraph, paragraphLevels } from './report.js';
import './write.css';

const CAVEATS = ['ORCON', 'NOFORN'] as const;

function toggle(list: string[], value: string, on: boolean): string[] {
  return on ? [...new Set([...list, value])] : list.filter((v) => v !== value);
}

export default function Write() {
  const { t } = useTranslation('write');
  const { person, lang } = useSession();
  const { navigate } = useRouter();
  const [reg, setReg] = useState<CompiledRegistry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);

  useEffect(() => {
    loadRegistry(get)
      .then((r) => {
        setReg(r);
        const lowest = paragraphLevels([...(r.parties.get(person.party)?.levels.values() ?? [])], '')[0];
        const level = lowest?.id ?? 'U';
        setDraft({
          title: '',
          titleLevel: level,
          paragraphs: [{ level, releasableTo: [person.party], text: '' }],
          caveats: [],
          topics: [],
        });
      })
      .catch((e) => setError(errorText(e)));
  }, [person.party]);

  const levels = useMemo(
    () => [...(reg?.parties.get(person.party)?.levels.values() ?? [])],
    [reg, person.party],
  );
  const parties = useMemo(() => [...(reg?.parties.keys() ?? [])], [reg]);

  // The banner as they type: the node's own core over the labels the draft carries (R7).
  const banner = useMemo(() => {
    if (!reg || !draft) return null;
    try {
      const { floor, portions } = draftLabels(person.party, draft);
      return { ok: true as const, ...computeBanner(reg, [floor, ...portions], person.party, lang) };
    } catch (e) {
      return { ok: false as const, message: errorText(e) };
    }
  }, [reg, draft, person.party, lang]);

  if (!reg || !draft) {
    return error ? <p role="alert">{error}</p> : <p className="loading">{t('loading')}</p>;
  }

  const update = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const setParagraph = (i: number, change: Partial<Paragraph>) =>
    update({ paragraphs: draft.paragraphs.map((p, j) => (j === i ? { ...p, ...change } : p)) });
  const rankOf = (id: string) => levels.find((l) => l.id === id)?.rank ?? 0;
  const setTitleLevel = (level: string) =>
    // A paragraph is never below the title: raising the title raises them with it.
    update({
      titleLevel: level,
      paragraphs: draft.paragraphs.map((p) => (rankOf(p.level) < rankOf(level) ? { ...p, level } : p)),
    });
  const choices = paragraphLevels(levels, draft.titleLevel);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!draft.title.trim()) return setError(t('needTitle'));
    if (draft.paragraphs.some((p) => !p.text.trim())) return setError(t('needText'));
    setBusy(true);
    try {
      const { floor, portions } = draftLabels(person.party, draft);
      const { markings } = await post<{ markings: { id: string; type: string }[] }>('/labels', {
        labels: [floor, ...portions],
      });
      const id = `report--${crypto.randomUUID()}`;
      const bundle = buildReport(draft, markings, {
        id,
        bundleId: `bundle--${crypto.randomUUID()}`,
        now: new Date().toISOString(),
      });
      await post('/items', bundle);
      navigate(`/items/${encodeURIComponent(id)}`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const bannerView = banner?.ok ? (
    <Banner text={banner.text} tier={banner.tier} label={t('banner')} />
  ) : (
    <section aria-label={t('banner')} className="banner banner-invalid">
      {t('bannerInvalid', { message: banner?.message ?? '' })}
    </section>
  );

  return (
    <form className="write" onSubmit={save} noValidate>
      {bannerView}
      <h1>{t('title')}</h1>
      <div className="title-row">
        <label>
          {t('reportTitle')}
          <input value={draft.title} onChange={(e) => update({ title: e.target.value })} required />
        </label>
        <label>
          {t('titleClassification')}
          <select value={draft.titleLevel} onChange={(e) => setTitleLevel(e.target.value)}>
            {levels.map((l) => (
              <option key={l.id} value={l.id} lang={langAttr(l.native, lang)}>
                {l.native}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset>
        <legend>{t('caveats')}</legend>
        {CAVEATS.map((c) => (
          <label key={c} className="check">
            <input
              type="checkbox"
              checked={draft.caveats.includes(c)}
              onChange={(e) => update({ caveats: toggle(draft.caveats, c, e.target.checked) })}
            />
            {t(`caveat.${c}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('topics')}</legend>
        {topicsIn(lang).map((topic) => (
          <label key={topic.id} className="check">
            <input
              type="checkbox"
              checked={draft.topics.includes(topic.id)}
              onChange={(e) => update({ topics: toggle(draft.topics, topic.id, e.target.checked) })}
            />
            {topic.text}
          </label>
        ))}
      </fieldset>
      {draft.paragraphs.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are identified by their place in the report
        <fieldset key={i} className="paragraph">
          <legend>{t('paragraph', { n: i + 1 })}</legend>
          <label>
            {t('classification')}
            <select value={p.level} onChange={(e) => setParagraph(i, { level: e.target.value })}>
              {choices.map((l) => (
                <option key={l.id} value={l.id} lang={langAttr(l.native, lang)}>
                  {l.native}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="rel">
            <legend>{t('releasableTo')}</legend>
            {parties.map((code) => (
              <label key={code} className="check">
                <input
                  type="checkbox"
                  checked={p.releasableTo.includes(code)}
                  onChange={(e) =>
                    setParagraph(i, { releasableTo: toggle(p.releasableTo, code, e.target.checked) })
                  }
                />
                {code}
              </label>
            ))}
          </fieldset>
          <label>
            {t('paragraphText')}
            <textarea value={p.text} rows={4} onChange={(e) => setParagraph(i, { text: e.target.value })} />
          </label>
          {draft.paragraphs.length > 1 && (
            <button
              type="button"
              onClick={() => update({ paragraphs: draft.paragraphs.filter((_, j) => j !== i) })}
            >
              {t('removeParagraph', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      <div className="buttons">
        <button
          type="button"
          onClick={() =>
            update({
              paragraphs: [
                ...draft.paragraphs,
                { level: draft.titleLevel, releasableTo: [person.party], text: '' },
              ],
            })
          }
        >
          {t('addParagraph')}
        </button>
        <button type="submit" disabled={busy || !banner?.ok}>
          {t('save')}
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
