import { certificateFingerprint, type PublicIdentity, parsePartnerIdentity } from '../../identity/index.js';
import type { Store } from '../../store/index.js';

/** A partner node as this node knows it (contracts §5 `relto partner add`). */
export interface Partner {
  party: string;
  /** Base URL of its exchange listener (https://host:port). */
  url: string;
  identity: PublicIdentity;
  /** SHA-256 fingerprint of the CA its TLS certificates come from. */
  caFingerprint: string;
}

const KIND = 'partner';

/** Stores (or replaces) a partner: its public identity and where its exchange listens. */
export async function addPartner(store: Store, url: string, identityJson: unknown): Promise<Partner> {
  const identity = parsePartnerIdentity(identityJson);
  const partner: Partner = {
    party: identity.party,
    url: url.replace(/\/+$/, ''),
    identity,
    caFingerprint: certificateFingerprint(identity.tlsCa),
  };
  const { added } = await store.putExchange({
    kind: KIND,
    key: partner.party,
    partner: partner.party,
    status: 'active',
    body: partner,
  });
  if (!added) await store.updateExchange(KIND, partner.party, { body: partner, status: 'active' });
  return partner;
}

export async function listPartners(store: Store): Promise<Partner[]> {
  return (await store.listExchange({ kind: KIND })).map((r) => r.body as Partner);
}
