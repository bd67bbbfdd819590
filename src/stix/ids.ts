import { RELTO_NAMESPACE, uuidv5 } from '../canon/index.js';

/** The relto confidentiality label property extension (contracts §6). */
export const LABEL_EXTENSION_ID = 'extension-definition--75bce083-7fed-4d2c-9812-176dc807b829';

/** The relto portions property extension (contracts §6). */
export const PORTIONS_EXTENSION_ID = 'extension-definition--77c0c165-ae5e-43b0-bd00-8b388eb8090b';

/** Every relto label marking-definition has this `created` (so one label is one object everywhere). */
export const LABEL_CREATED = '2026-01-01T00:00:00.000Z';

/**
 * The identity of the relto project, publisher of the two extension definitions (the UUIDv5 of its name;
 * marked pure, so a browser bundle that never reads it drops the hash).
 */
export const RELTO_IDENTITY_ID = /* @__PURE__ */ partyIdentityId('relto');

/** The STIX identity of a party's node: `identity--` + UUIDv5(party code) in the relto namespace. */
export function partyIdentityId(party: string): string {
  return `identity--${uuidv5(party, RELTO_NAMESPACE)}`;
}
