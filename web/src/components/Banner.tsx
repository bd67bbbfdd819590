import { MixedText } from './MixedText.js';

/**
 * The banner bar, top and bottom of every page that shows an item: the label as the node renders it for the
 * reader, coloured by the global tier of what the reader is shown (US cover-sheet colours, each meeting WCAG AA).
 */
export type Tier = 'U' | 'C' | 'S' | 'TS';

export const TIER_CLASS: Record<Tier, string> = { U: 'tier-u', C: 'tier-c', S: 'tier-s', TS: 'tier-ts' };

/** The tier of a level id or tier word as the API gives it (`U`, `C`, `S`, `TS`, or UNCLASSIFIED … TOP SECRET). */
export function tierOf(value: string | undefined | null): Tier {
  const v = (value ?? '').toUpperCase().replace(/[\s_-]+/g, '');
  if (v === 'TS' || v === 'TOPSECRET') return 'TS';
  if (v === 'S' || v === 'SECRET') return 'S';
  if (v === 'C' || v === 'CONFIDENTIAL') return 'C';
  return 'U';
}

export function Banner({
  text,
  tier,
  label,
  lang,
}: {
  text: string;
  tier: Tier;
  label?: string;
  lang?: string;
}) {
  return (
    <section aria-label={label ?? 'Banner'} className={`banner ${TIER_CLASS[tier]}`} lang={lang}>
      <MixedText text={text} />
    </section>
  );
}
