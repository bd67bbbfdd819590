import type { Scope } from './context.js';
import { chunkFor, chunks, json, parse } from './rows.js';
import type { MarkingDefinitionInput, StixObject, StoredMarkingDefinition } from './store.js';

/** Marking-definitions, kept in clear: they are never classified. */

export async function putMarkingDefinitions(scope: Scope, defs: MarkingDefinitionInput[]): Promise<void> {
  if (defs.length === 0) return;
  await scope.atomic(async (s) => {
    for (const part of chunks(defs, chunkFor(4))) {
      await s.db
        .insertInto('marking_definitions')
        .values(
          part.map((d) => ({
            id: d.definition.id,
            kind: d.kind,
            alternative_of: d.alternativeOf ?? null,
            json: json(d.definition),
          })),
        )
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
