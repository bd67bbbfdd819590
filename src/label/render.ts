import { ReltoError } from '../errors/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { type Banner, banner as computeBanner } from './banner.js';
import { receiverEquivalent } from './equivalent.js';
import { type Lang, message, t } from './messages.js';
import { normaliseLabel } from './normalise.js';
import type { Caveat } from './schema.js';
import { assertValidLabel } from './validate.js';

export interface RenderOptions {
  /** The reader's party: the classification is shown in its scheme. */
  reader: string;
  lang: Lang;
  /** The agreement the item was received under (§4 `receivedUnder`); default: the bilateral one. */
  agreement?: string;
}

/** A level of some party's scheme, with its names. */
export interface RenderedLevel {
  party: string;
  /** The party's name in the reader's language. */
  partyName: string;
  level: string;
  /** The name in the party's own script (極秘, 군사II급비밀, SECRET). */
  native: string;
  romanised: string;
  /** English gloss (registry data). */
  gloss: string;
}

export interface RenderedParty {
  code: string;
  name: string;
}

/** A label as a reader of one party sees it, in one language (R6, mission §2). */
export interface RenderedLabel {
  lang: Lang;
  reader: string;
  /** The reader's party is the originator: its own scheme, no equivalent. */
  own: boolean;
  originator: RenderedParty;
  /** The reader's own level: the equivalent for a foreign item (R6); null when the agreement has none. */
  classification: RenderedLevel | null;
  /** The originator's classification, shown beside the equivalent (never overwritten, R6); null for own. */
  original: RenderedLevel | null;
  /** Where the equivalent came from, or why there is none. */
  equivalence:
    | { covered: true; agreement: string | null; leg: string | null; text: string | null }
    | { covered: false; reason: string; agreement: string | null; text: string };
  /**
   * Who may read it on Releasable To (R11): the originator first, then the listed parties; an absent list
   * is the originator alone (`originatorOnly`).
   */
  releasableTo: RenderedParty[];
  originatorOnly: boolean;
  caveats: { code: Caveat; gloss: string; text: string }[];
  /** Legal designations such as 特定秘密 (R3, R13), with a gloss in the reader's language. */
  designations: { id: string; native: string; romanised: string; gloss: string; text: string }[];
  /** Restrictive categories other than Designation (need-to-know). */
  restrictive: { category: string; values: string[] }[];
  informative: { category: string; values: string[] }[];
  topics: { id: string; text: string }[];
  purpose?: string;
  /** The one-line banner: classification [original] // designation // need-to-know // caveats // REL TO // topics. */
  banner: string;
}

function renderLevel(reg: CompiledRegistry, party: string, levelId: string, lang: Lang): RenderedLevel {
  const p = reg.parties.get(party)!;
  const level = p.levels.get(levelId)!;
  return {
    party,
    partyName: p.def.name[lang],
    level: level.id,
    native: level.native,
    romanised: level.romanised,
    gloss: level.en,
  };
}

/** The original's name for the banner: native script, with its romanisation for English readers. */
function originalText(level: RenderedLevel, lang: Lang): string {
  return lang === 'en' && level.romanised !== level.native
    ? `${level.native} (${level.romanised})`
    : level.native;
}

/**
 * Renders a label for a reader of a given party (R6, R7, R13): the reader's native classification name for
 * the equivalent level with the originator's original beside it (a Japanese reader of a Korean
 * 군사II급비밀 item under KOR-JPN-GSOMIA sees `極秘 〔大韓民国：군사II급비밀〕`), the originator's name, Releasable
 * To, caveats and designations with glosses, topics. Own items are shown in the reader's scheme alone.
 * Throws ReltoError INVALID_LABEL for an invalid label, INVALID_ARGUMENT for an unknown reader.
 */
export function renderLabel(reg: CompiledRegistry, input: unknown, options: RenderOptions): RenderedLabel {
  const { reader, lang } = options;
  const readerParty = reg.parties.get(reader);
  if (!readerParty) throw new ReltoError('INVALID_ARGUMENT', `unknown reader party ${reader}`, '/reader');
  const label = normaliseLabel(assertValidLabel(reg, input));
  const originParty = reg.parties.get(label.originator)!;
  const own = label.originator === reader;
  const sep = t(lang, 'label.listSeparator');
  const party = (code: string): RenderedParty => ({ code, name: reg.parties.get(code)!.def.name[lang] });

  const original = renderLevel(reg, label.originator, label.classification, lang);
  let classification: RenderedLevel | null;
  let equivalence: RenderedLabel['equivalence'];
  let head: string;
  if (own) {
    classification = original;
    equivalence = { covered: true, agreement: null, leg: null, text: null };
    head = original.native;
  } else {
    const eq = receiverEquivalent(reg, label, reader, options.agreement);
    const beside = t(lang, 'label.beside', {
      originator: originParty.def.name[lang],
      original: originalText(original, lang),
    });
    if (eq.covered) {
      classification = renderLevel(reg, reader, eq.level, lang);
      const agreement = eq.agreement ?? '';
      equivalence = {
        covered: true,
        agreement: eq.agreement,
        leg: eq.leg,
        text: eq.agreement === null ? null : t(lang, 'label.equivalentUnder', { agreement }),
      };
      head = `${classification.native} ${beside}`;
    } else {
      if (eq.reason === 'UNKNOWN_AGREEMENT') {
        throw new ReltoError('INVALID_ARGUMENT', eq.message, '/agreement');
      }
      classification = null;
      const agreement = eq.agreement ?? options.agreement ?? '—';
      equivalence = {
        covered: false,
        reason: eq.reason,
        agreement: eq.agreement,
        text: t(lang, 'label.notCoveredWhy', { agreement }),
      };
      head = `${t(lang, 'label.notCovered')} ${beside}`;
    }
  }

  const designations = (label.restrictive?.Designation ?? []).map((id) => {
    const d = originParty.designations.get(id)!;
    const gloss = message(lang, `designation.${id}`) ?? d.en;
    const text = gloss === d.native ? d.native : `${d.native} (${d.romanised}, ${gloss})`;
    return { id, native: d.native, romanised: d.romanised, gloss, text };
  });
  const categories = (c: Record<string, string[]> | undefined, skip?: string) =>
    Object.entries(c ?? {})
      .filter(([k]) => k !== skip)
      .map(([category, values]) => ({ category, values }));
  const restrictive = categories(label.restrictive, 'Designation');
  const informative = categories(label.informative);
  const caveats = (label.caveats ?? []).map((code) => {
    const gloss = t(lang, `caveat.${code}`);
    return { code, gloss, text: `${code} (${gloss})` };
  });
  const originatorOnly = (label.releasableTo ?? []).length === 0;
  // The originator first, as banners write it (REL TO KOR, JPN), then the others by code.
  const others = (label.releasableTo ?? []).filter((p) => p !== label.originator);
  const releasableTo = [label.originator, ...others].map(party);
  const topics = (label.topics ?? []).map((id) => ({ id, text: message(lang, `topic.${id}`) ?? id }));

  // The banner names parties by code in English (REL TO USA, KOR), by name in Korean and Japanese.
  const rel = releasableTo.map((p) => (lang === 'en' ? p.code : p.name)).join(sep);
  const parts = [head];
  if (designations.length > 0) parts.push(designations.map((d) => d.text).join(sep));
  if (restrictive.length > 0) parts.push(restrictive.flatMap((r) => r.values).join('/'));
  if (caveats.length > 0) parts.push(caveats.map((c) => c.text).join(sep));
  parts.push(t(lang, 'label.relToLine', { parties: rel }));
  if (topics.length > 0)
    parts.push(t(lang, 'label.topicsLine', { topics: topics.map((x) => x.text).join(sep) }));

  const rendered: RenderedLabel = {
    lang,
    reader,
    own,
    originator: party(label.originator),
    classification,
    original: own ? null : original,
    equivalence,
    releasableTo,
    originatorOnly,
    caveats,
    designations,
    restrictive,
    informative,
    topics,
    banner: parts.join(t(lang, 'label.separator')),
  };
  if (label.purpose !== undefined) rendered.purpose = label.purpose;
  return rendered;
}

export interface RenderBannerOptions {
  reader: string;
  lang: Lang;
  /** Per originator, the agreement its portions were received under; default: the bilateral one. */
  agreements?: Record<string, string>;
}

/** A document's banner (R7) for a reader: one rendered line per originator, highest first. */
export function renderBanner(
  reg: CompiledRegistry,
  portions: readonly unknown[],
  options: RenderBannerOptions,
): { banner: Banner; lines: RenderedLabel[] } {
  const b = computeBanner(reg, portions);
  const lines = b.lines.map((line) =>
    renderLabel(reg, line, {
      reader: options.reader,
      lang: options.lang,
      agreement: options.agreements?.[line.originator],
    }),
  );
  return { banner: b, lines };
}
