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

/** `--pg URL` of the commands that open a node's existing data folder. */
export const PG_OPTION = ['--pg <url>', 'PostgreSQL URL of a node kept there (else RELTO_PG_URL)'] as const;
