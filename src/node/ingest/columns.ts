import type { Label } from '../../label/index.js';
import type { CompiledRegistry } from '../../registry/index.js';
import { textScopes } from '../../stix/index.js';
import type { FloorInfo, ObjectInput, StixObject } from '../../store/index.js';

/** The clear columns a stored item keeps from its floor label (filters and search never decrypt for them). */
export type LabelColumns = Required<Omit<FloorInfo, 'floor'>>;

/**
 * The one derivation of an item's label columns (ingest, the exchange inbox, reclassification on both
 * sides): the originator, the floor level's rank in the originator's scheme (R1) and its global tier (§4),
 * the topics.
 */
export function labelColumns(registry: CompiledRegistry, label: Label): LabelColumns {
  return {
    originator: label.originator,
    levelRank: registry.parties.get(label.originator)?.levels.get(label.classification)?.rank ?? null,
    tier:
      registry.tierOf(label.originator, label.classification, label.restrictive?.Designation ?? []) ?? null,
    topics: label.topics ?? [],
  };
}

/**
 * What the store needs of one object version: its floor and label columns, and one search row per marking
 * scope. A hit on a scope's text counts only for a reader of its most specific label (the floor, or the
 * granular label over it); the serving side re-checks scopes under more than one granular label.
 */
export function objectInput(
  registry: CompiledRegistry,
  object: StixObject,
  floor: string,
  label: Label,
  isReltoLabel: (id: string) => boolean,
): ObjectInput {
  return {
    object,
    floor,
    ...labelColumns(registry, label),
    index: textScopes(object, isReltoLabel).map((s) => ({
      markingId: s.markingIds[s.markingIds.length - 1]!,
      text: s.text,
    })),
  };
}
