import { readFileSync } from 'node:fs';
import { ReltoError } from '../errors/index.js';

/** Where the fixed relto STIX objects are shipped (identities and the two extension definitions). */
export const DEFAULT_FIXED_OBJECTS = new URL('../../data/relto-stix-objects.json', import.meta.url);

/** Reads the fixed objects (contracts §6: served verbatim) from the shipped bundle or another path. */
export function loadReltoStixObjects(path: string | URL = DEFAULT_FIXED_OBJECTS): Record<string, unknown>[] {
  const bundle = JSON.parse(readFileSync(path, 'utf8')) as {
    type?: string;
    objects?: Record<string, unknown>[];
  };
  if (bundle.type !== 'bundle' || !Array.isArray(bundle.objects)) {
    throw new ReltoError('INVALID_STIX', `${String(path)} is not a STIX bundle`);
  }
  return bundle.objects;
}
