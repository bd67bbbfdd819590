import type { CompiledRegistry } from '../registry/index.js';
import type { Label } from './schema.js';

/** Words that say "not classified" in any scheme; on a classified label they mislead. */
const UNCLASSIFIED_WORDS = ['unclassified', 'tlp:clear', 'tlp:white'];

/** `text` at `at` in `hay` stands as a word of its own: no letter or digit touches it on either side. */
function standsAlone(hay: string, at: number, length: number): boolean {
  const word = /[\p{L}\p{N}]/u;
  return !word.test(hay[at - 1] ?? '') && !word.test(hay[at + length] ?? '');
}

/**
 * The level name in a marking's human-readable `name` that contradicts its label, or null when it names
 * none or only the label's own level. Other tools write a `name` on a marking-definition; relto reads the
 * label from its extension alone, so a name that says another level (a SECRET label named "TOP SECRET", a
 * 군사II급비밀 label named "군사III급비밀", a classified one named "UNCLASSIFIED" or "TLP:CLEAR") would let a
 * person misread what they hold. The originator's own level names are matched (native, romanised, English),
 * longest first and as whole words, case-insensitively.
 */
export function nameContradiction(registry: CompiledRegistry, label: Label, name: string): string | null {
  const party = registry.parties.get(label.originator);
  const own = party?.levels.get(label.classification);
  if (!party || !own) return null; // the label's own check names what is wrong
  const names: { text: string; written: string; levelId: string }[] = [];
  for (const level of party.levels.values())
    for (const written of [level.native, level.romanised, level.en])
      names.push({ text: written.toLowerCase(), written, levelId: level.id });
  for (const text of UNCLASSIFIED_WORDS)
    names.push({ text, written: text.toUpperCase(), levelId: party.unclassified.id });
  names.sort((a, b) => b.text.length - a.text.length);
  let rest = name.toLowerCase();
  for (const { text, written, levelId } of names) {
    for (let at = rest.indexOf(text); at >= 0; at = rest.indexOf(text, at + 1)) {
      if (!standsAlone(rest, at, text.length)) continue;
      // As the name writes it (lower-casing kept its length), else as the registry does.
      if (levelId !== own.id) return name.length === rest.length ? name.slice(at, at + text.length) : written;
      // The label's own name: blanked so a shorter name inside it ("secret" in "top secret") is not read.
      rest = rest.slice(0, at) + ' '.repeat(text.length) + rest.slice(at + text.length);
    }
  }
  return null;
}
