import { RELTO_NAMESPACE, uuidv5 } from '../canon/index.js';
import { type GazetteerEntry, nameFor } from '../entities/index.js';
import type { StixObject } from '../store/index.js';

/** The gazetteer's entries as STIX objects: one fixed id and version each, so every node holds the same. */
const VERSION = '2026-01-01T00:00:00.000Z';

export function entityObjectId(entry: GazetteerEntry): string {
  const type = entry.kind === 'place' || entry.kind === 'country' ? 'location' : 'identity';
  return `${type}--${uuidv5(`gazetteer:${entry.id}`, RELTO_NAMESPACE)}`;
}

/**
 * A place or country as a STIX `location` (coordinates, ISO 3166-1 alpha-2 country; a disputed place every
 * party's names in `x_relto_names` and no country), a person or organisation as an `identity`.
 */
export function entityObject(entry: GazetteerEntry, createdBy: string, label: string): StixObject {
  const common = {
    spec_version: '2.1',
    id: entityObjectId(entry),
    created: VERSION,
    modified: VERSION,
    created_by_ref: createdBy,
    name: nameFor(entry, '', 'en'),
    object_marking_refs: [label],
  };
  if (entry.kind === 'place' || entry.kind === 'country') {
    return {
      type: 'location',
      ...common,
      ...(entry.lat !== undefined && entry.lon !== undefined
        ? { latitude: entry.lat, longitude: entry.lon }
        : {}),
      ...(entry.country && !entry.partyNames ? { country: entry.country } : {}),
      ...(entry.partyNames ? { x_relto_names: entry.partyNames } : {}),
    };
  }
  return {
    type: 'identity',
    ...common,
    identity_class: entry.kind === 'person' ? 'individual' : 'organization',
  };
}
