/** Parsers of commander option values, shared by the commands. */

/** A repeatable option (`--caveat A --caveat B`): each value appended. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A comma-separated list (`--roles a,b`), blanks dropped. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
