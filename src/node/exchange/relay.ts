import type { CanonicalForms } from '../../canon/index.js';
import { ReltoError } from '../../errors/index.js';
import { batchHeader, type Item, type SignedRecord, verifyItem } from '../../exchange/index.js';
import type { StixObject } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import { consentsOf, type HeldItem } from './held.js';
import { type Author, toItem, versionOf } from './messages.js';
import type { PartnerBook } from './partners.js';
import { granularRefs } from './portions.js';
import { getRow, listRows, ROWS, type SignedProofRow } from './rows.js';

/** A held item as a release sends it: for an own item, `send` is the view without what the partner may not have (R7). */
export type ReleasedItem = HeldItem & { send?: StixObject };

/**
 * The signed records of a release: the labels' marking-definitions (floor and portions) and the objects,
 * signed in one batch by this node for its own items, else the originator's records as received (R25), with
 * the consents held.
 */
export async function releaseItems(
  ctx: NodeContext,
  author: Author,
  partners: PartnerBook,
  held: ReleasedItem[],
  to: string,
  forms?: CanonicalForms,
): Promise<Item[]> {
  const own = held.filter((h) => h.label.originator === ctx.party);
  const items: Item[] = [];
  if (own.length > 0) {
    const objects = own.map((h) => h.send ?? h.stored.object!);
    // The portions' labels that are still in what is sent: a withheld portion's label stays here too.
    const ids = new Set(own.map((h) => h.labelId));
    for (const o of objects) for (const id of granularRefs(o)) if (ctx.book.isReltoLabel(id)) ids.add(id);
    const markings = [...ids].map((id) => ctx.book.get(id)!.definition);
    for (const r of author.signOwn([...markings, ...objects], forms)) {
      items.push(toItem(r));
    }
  }
  const relayedMarkings = new Set<string>();
  for (const h of held) {
    if (h.label.originator === ctx.party) continue;
    const object = h.stored.object!;
    const proof = await signedProofOf(ctx, object);
    // The floor's and every portion's label, as the originator signed them.
    const labelIds = [h.labelId, ...granularRefs(object).filter((id) => ctx.book.isReltoLabel(id))];
    const markings: Item[] = [];
    for (const id of labelIds) {
      if (relayedMarkings.has(id)) continue;
      const marking = await getRow(ctx.store, ROWS.signed, id);
      if (!marking || !('record' in marking.body)) continue;
      relayedMarkings.add(id);
      markings.push(toItem(marking.body.record));
    }
    if (!proof || labelIds.some((id) => !relayedMarkings.has(id))) {
      throw new ReltoError(
        'CONFLICT',
        `the originator's signed record of ${object.id} is not held, so it cannot be passed on`,
      );
    }
    const consents = (await consentsOf(ctx, object.id))
      .filter((c) => !('to' in c.consent) || c.consent.to === to)
      .map((c) => c.record);
    items.push(...markings);
    items.push(toItem(heldRecord(partners, object, proof), consents));
  }
  return items;
}

/**
 * The originator's proof for this version of a held object (R25): in the row of the message it came in
 * (named by its custody receipt), or in a row of its own as kept before.
 */
async function signedProofOf(ctx: NodeContext, object: StixObject): Promise<SignedProofRow | undefined> {
  const version = versionOf(object);
  for (const c of await ctx.store.listCustody(object.id)) {
    const message = c.kind === 'receipt' ? (c.details as { message?: unknown } | null)?.message : undefined;
    if (typeof message !== 'string') continue;
    const row = await getRow(ctx.store, ROWS.signedMessage, message);
    const item = row?.body.items.find((i) => i.id === object.id && i.version === version);
    if (row && item) {
      const { id: _id, jws, ...proof } = item;
      return { ...proof, originatorJws: row.body.jws[jws]! };
    }
  }
  for (const row of await listRows(ctx.store, { kind: ROWS.signed, ref: object.id })) {
    if ('version' in row.body && row.body.version === version) return row.body;
  }
  return undefined;
}

/**
 * The originator's signed record of a held object (R25): its proof joined to the held object, which must
 * still be what the originator signed.
 */
function heldRecord(partners: PartnerBook, object: StixObject, body: SignedProofRow): SignedRecord {
  const { proof, leafIndex, treeSize, originatorJws } = body;
  const record: SignedRecord = { object, proof, leafIndex, treeSize, originatorJws };
  const originator = batchHeader(body.originatorJws)?.kid;
  const key = originator ? partners.signingKeyOf(originator) : undefined;
  if (!key || !verifyItem(record, key).ok) {
    throw new ReltoError(
      'CONFLICT',
      `the held ${object.id} is no longer what its originator signed: it cannot be relayed`,
    );
  }
  return record;
}
