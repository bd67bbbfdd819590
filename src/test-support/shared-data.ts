import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A file of the project's shared data (`shared/data/` beside the repository, as on the developers'
 * machines and in CI), or RELTO_SHARED_DATA when set. Tests use it instead of machine paths.
 */
export function sharedData(relative: string): string {
  const base =
    process.env.RELTO_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data/', import.meta.url));
  const path = `${base.replace(/\/?$/, '/')}${relative}`;
  if (!existsSync(path))
    throw new Error(`shared data ${relative} not found at ${path}: set RELTO_SHARED_DATA`);
  return path;
}
