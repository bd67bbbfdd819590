import { createHash } from 'node:crypto';
import { ReltoError } from '../../errors/index.js';
import type { ExchangeKey } from '../../exchange/index.js';
import { certificateFingerprint, type NodeIdentity, parsePartnerIdentity } from '../../identity/index.js';
import type { Store } from '../../store/index.js';
import type { NodeContext } from '../context.js';
import type { PartnerView } from '../service.js';
import { getRow, listRows, type Partner, putRow, ROWS, updateRow } from './rows.js';

export type { Partner } from './rows.js';

/** What a person compares to tell two identities of a party apart: one fingerprint per key. */
export interface KeyFingerprints {
  /** RFC 7638 SHA-256 thumbprint (base64url) of the Ed25519 key that signs the partner's messages. */
  signingKey: string;
  /** RFC 7638 SHA-256 thumbprint (base64url) of the X25519 key messages to it are encrypted to. */
  encryptionKey: string;
  /** SHA-256 (hex) of the CA certificate its TLS certificates come from. */
  tlsCa: string;
}

/** What `addPartner` did: the partner stored, and the one it replaced (only with `replace`). */
export interface PartnerChange {
  partner: Partner;
  replaced: Partner | null;
}

function thumbprint(jwk: { crv: string; kty: string; x: string }): string {
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const json = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(json).digest('base64url');
}

export function keyFingerprints(p: Partner): KeyFingerprints {
  return {
    signingKey: thumbprint(p.identity.signingKey),
    encryptionKey: thumbprint(p.identity.encryptionKey),
    tlsCa: p.caFingerprint,
  };
}

/**
 * Stores a partner: its public identity and where its exchange listens. A party already present is refused
 * with PARTNER_EXISTS unless `replace` is given: a running node trusts the new keys at once, so a mistaken
 * replacement breaks the exchange with that party.
 */
export async function addPartner(
  store: Store,
  url: string,
  identityJson: unknown,
  options: { replace?: boolean } = {},
): Promise<PartnerChange> {
  const identity = parsePartnerIdentity(identityJson);
  const partner: Partner = {
    party: identity.party,
    url: url.replace(/\/+$/, ''),
    identity,
    caFingerprint: certificateFingerprint(identity.tlsCa),
  };
  const existing = await getRow(store, ROWS.partner, partner.party);
  if (existing && !options.replace) {
    const held = existing.body;
    throw new ReltoError(
      'PARTNER_EXISTS',
      `${partner.party} is already a partner (at ${held.url}); replacing its keys changes whom this node trusts: give --replace to do it`,
      '/key/party',
      { party: partner.party, current: keyFingerprints(held), offered: keyFingerprints(partner) },
    );
  }
  if (existing) {
    await updateRow(store, ROWS.partner, partner.party, { body: partner, status: 'active' });
    return { partner, replaced: existing.body };
  }
  const { added } = await putRow(store, {
    kind: ROWS.partner,
    key: partner.party,
    partner: partner.party,
    status: 'active',
    body: partner,
  });
  if (!added) {
    throw new ReltoError('PARTNER_EXISTS', `${partner.party} was added as a partner meanwhile`, '/key/party');
  }
  return { partner, replaced: null };
}

/**
 * `relto partner add`: stores the partner and its audit entry in one transaction. The entry names the party,
 * its address and key fingerprints, who ran the command (`operator`, the account at the node's console) and,
 * for a replacement, the address and fingerprints it replaced.
 */
export async function addPartnerAudited(
  ctx: NodeContext,
  url: string,
  identityJson: unknown,
  options: { replace?: boolean; operator: string },
): Promise<PartnerChange> {
  const party = parsePartnerIdentity(identityJson).party;
  if (party === ctx.party) {
    throw new ReltoError('INVALID_ARGUMENT', 'a node is not its own partner', '/key/party');
  }
  return ctx.audit.appendWithin(async (tx) => {
    const change = await addPartner(tx, url, identityJson, options);
    const { partner, replaced } = change;
    return {
      result: change,
      entries: [
        {
          kind: 'node',
          at: new Date(ctx.clock()).toISOString(),
          actor: `node:${ctx.party}`,
          action: replaced ? 'partner-replace' : 'partner-add',
          subjects: [partner.party],
          details: {
            operator: options.operator,
            url: partner.url,
            caFingerprint: partner.caFingerprint,
            keys: keyFingerprints(partner),
            ...(replaced ? { replaced: { url: replaced.url, keys: keyFingerprints(replaced) } } : {}),
          },
        },
      ],
    };
  });
}

/** The partner book as an administrator reads it: addresses, key fingerprints, when added; no key material. */
export async function partnerViews(store: Store): Promise<PartnerView[]> {
  return (await listRows(store, { kind: ROWS.partner })).map((r) => {
    const p = r.body;
    const f = keyFingerprints(p);
    const kid = (k: { kid?: string }) => (k.kid ? { kid: k.kid } : {});
    return {
      party: p.party,
      url: p.url,
      status: r.status,
      addedAt: r.createdAt,
      updatedAt: r.updatedAt,
      keys: {
        signing: { fingerprint: f.signingKey, ...kid(p.identity.signingKey) },
        encryption: { fingerprint: f.encryptionKey, ...kid(p.identity.encryptionKey) },
        tlsCa: { fingerprint: f.tlsCa },
      },
    };
  });
}

export async function listPartners(store: Store): Promise<Partner[]> {
  return (await listRows(store, { kind: ROWS.partner })).map((r) => r.body);
}

/** How long the partner book trusts what it read (`relto partner add` runs in another process). */
const FRESH_MS = 2000;

/**
 * The one partner book of a running exchange: the partners with their signing keys, read from the store at
 * most every 2 s (reading and parsing every partner's identity per message was a tenth of what a small
 * message cost), and again for a party not among them. Inbox, outbox, release and notices all look here.
 */
export class PartnerBook {
  private partners = new Map<string, Partner>();
  private loadedAt = 0;

  constructor(
    private readonly store: Store,
    private readonly self: NodeIdentity,
  ) {}

  /** Reads the partners again now. */
  async load(): Promise<Partner[]> {
    const list = await listPartners(this.store);
    this.partners = new Map(list.map((p) => [p.party, p]));
    this.loadedAt = Date.now();
    return list;
  }

  private stale(): boolean {
    return Date.now() - this.loadedAt > FRESH_MS;
  }

  /** The partners, as read at most 2 s ago. */
  async current(): Promise<Partner[]> {
    if (this.stale()) await this.load();
    return [...this.partners.values()];
  }

  /** A partner, read again when not known or read more than 2 s ago. */
  async get(party: string): Promise<Partner | undefined> {
    if (!this.partners.has(party) || this.stale()) await this.load();
    return this.partners.get(party);
  }

  /** A partner as last read, without reading (inside a message's checks, after `get` or `load`). */
  held(party: string): Partner | undefined {
    return this.partners.get(party);
  }

  /** The key that signs a party's messages and records: this node's own, or a partner's as last read. */
  signingKeyOf = (party: string): ExchangeKey | undefined => {
    if (party === this.self.party) return this.self.signing.publicJwk as ExchangeKey;
    return this.partners.get(party)?.identity.signingKey as ExchangeKey | undefined;
  };

  async trustedCaFingerprints(party: string): Promise<string[]> {
    const p = await this.get(party);
    return p ? [p.caFingerprint] : [];
  }
}
