import type { Scope } from './context.js';
import { allocateClock } from './meta.js';
import { chunkFor, chunks, json, parse } from './rows.js';
import type { MarkingDefinitionInput, StixObject, StoredMarkingDefinition } from './store.js';
import { microsToStamp, normaliseStamp } from './time.js';

/**
 * Marking-definitions, kept in clear: they are never classified. They are objects of the TAXII collection,
 * so each takes a date_added from the clock the object versions use when it is first stored, and keeps it.
 */

export async function putMarkingDefinitions(scope: Scope, defs: MarkingDefinitionInput[]): Promise<void> {
  if (defs.length === 0) return;
  const byId = new Map(defs.map((d) => [d.definition.id, d]));
  await scope.atomic(async (s) => {
    const first = await allocateClock(s, byId.size);
    let k = 0;
    for (const part of chunks([...byId.values()], chunkFor(6))) {
      await s.db
        .insertInto('marking_definitions')
        .values(
          part.map((d) => {
            const added = first + k++;
            const created = d.definition.created;
            return {
              id: d.definition.id,
              kind: d.kind,
              alternative_of: d.alternativeOf ?? null,
              json: json(d.definition),
              added,
              version: typeof created === 'string' ? normaliseStamp(created) : microsToStamp(added),
            };
          }),
        )
        // A definition held already keeps its date_added (TAXII: the time it was first stored).
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            alternative_of: eb.ref('excluded.alternative_of'),
            json: eb.ref('excluded.json'),
          })),
        )
        .execute();
    }
  });
}

function toMarking(row: { id: string; kind: string; alternative_of: string | null; json: string }) {
  return {
    id: row.id,
    kind: row.kind,
    alternativeOf: row.alternative_of,
    definition: parse<StixObject>(row.json),
  } satisfies StoredMarkingDefinition;
}

export async function getMarkingDefinitions(scope: Scope, ids: string[]): Promise<StoredMarkingDefinition[]> {
  const out: StoredMarkingDefinition[] = [];
  for (const part of chunks([...new Set(ids)], chunkFor(1))) {
    const rows = await scope.db
      .selectFrom('marking_definitions')
      .selectAll()
      .where('id', 'in', part)
      .execute();
    out.push(...rows.map((r) => toMarking(r)));
  }
  return out;
}

export async function listMarkingDefinitions(
  scope: Scope,
  filter: { kind?: string; alternativeOf?: string } = {},
): Promise<StoredMarkingDefinition[]> {
  let q = scope.db.selectFrom('marking_definitions').selectAll();
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.alternativeOf !== undefined) q = q.where('alternative_of', '=', filter.alternativeOf);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => toMarking(r));
}
