import { ReltoError } from '../../errors/index.js';
import { toLabelConsent } from '../../exchange/index.js';
import type { Label } from '../../label/index.js';
import type { StoredObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { type ConsentRow, listRows, ROWS } from './rows.js';

/** What release and consent read of the items this node holds: the item with its label, and its consents. */

export interface HeldItem {
  stored: StoredObject;
  label: Label;
  labelId: string;
}

export async function heldItem(ctx: NodeContext, id: string): Promise<HeldItem> {
  const stored = await ctx.store.getObject(id);
  if (!stored?.object || !stored.floor) throw new ReltoError('NOT_FOUND', `no item ${id}`);
  await ctx.book.load([stored.floor]);
  const label = ctx.book.label(stored.floor);
  if (!label) throw new ReltoError('NOT_FOUND', `no item ${id}`);
  return { stored, label, labelId: stored.floor };
}

/** Many held items in one query per thousand (release requests name up to thousands), in the order asked. */
export async function heldItems(
  ctx: NodeContext,
  ids: readonly string[],
  withContent = true,
): Promise<HeldItem[]> {
  const found = new Map<string, StoredObject>();
  for (let i = 0; i < ids.length; i += 1_000) {
    const part = [...new Set(ids.slice(i, i + 1_000))];
    const page = await ctx.store.fetchObjects(
      { ids: part, versions: ['last'], withContent },
      { limit: part.length },
    );
    for (const row of page.rows) found.set(row.id, row);
  }
  await ctx.book.load([...found.values()].flatMap((r) => (r.floor ? [r.floor] : [])));
  return ids.map((id) => {
    const stored = found.get(id);
    const label = stored?.floor ? ctx.book.label(stored.floor) : undefined;
    if ((withContent && !stored?.object) || !stored?.floor || !label) {
      throw new ReltoError('NOT_FOUND', `no item ${id}`);
    }
    return { stored, label, labelId: stored.floor };
  });
}

/** The originator-signed consents held for an item (R15–R17), as records and as label consents. */
export async function consentsOf(ctx: NodeContext, itemId: string): Promise<ConsentRow[]> {
  return (await listRows(ctx.store, { kind: ROWS.consent, ref: itemId })).map((r) => r.body);
}

/** The item's label with its held consents joined (contracts §3: consents travel as signed records). */
export async function labelWithConsents(ctx: NodeContext, itemId: string, label: Label): Promise<Label> {
  const held = ctx.consents
    ? (ctx.consents.of(itemId) ?? [])
    : (await consentsOf(ctx, itemId)).map((c) => toLabelConsent(c.consent));
  return held.length === 0 ? label : { ...label, consents: [...(label.consents ?? []), ...held] };
}
