import type { Consent } from '../label/index.js';
import type { ConsentRecord } from './schema.js';

/**
 * A verified consent record in the label's form (contracts §3), to join the item's consents for
 * decisions (R15–R17). The record's own id becomes `ref`.
 */
export function toLabelConsent(record: ConsentRecord): Consent {
  const c: Consent = { by: record.by, at: record.at, ref: record.ref };
  if ('to' in record) c.to = record.to;
  if ('actions' in record) c.actions = [...record.actions];
  if ('purpose' in record) c.purpose = record.purpose;
  if (record.holder !== undefined) c.holder = record.holder;
  if (record.expires !== undefined) c.expires = record.expires;
  if (record.revoked !== undefined) c.revoked = record.revoked;
  return c;
}
