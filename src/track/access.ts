import type { Consent, Label } from '../label/index.js';
import {
  type Answer,
  nodePrincipal as basePrincipal,
  type DecisionRequest,
  decide,
  type Principal,
} from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';

/**
 * R31: a track reaches a client or a partner only if the rules engine permits it. These helpers only
 * shape the DecisionRequest of contracts §4; every verdict comes from decide().
 */

export interface ClientReadArgs {
  label: Label;
  /** The signed-in person (their party is the node's: the node holds the track). */
  principal: Principal;
  /** The decision instant (RFC 3339). */
  at: string;
  /** The agreement this node received the track under, when it came from a partner. */
  receivedUnder?: string;
}

/** "May this person see this track?": `read` of the item held by the person's node. */
export function clientReadRequest(args: ClientReadArgs): DecisionRequest {
  const req: DecisionRequest = {
    at: args.at,
    principal: args.principal,
    action: 'read',
    item: { label: args.label, holder: args.principal.party },
  };
  if (args.receivedUnder !== undefined) req.item.receivedUnder = args.receivedUnder;
  return req;
}

/** decide() on clientReadRequest. */
export function mayClientReceive(reg: CompiledRegistry, args: ClientReadArgs): Answer {
  return decide(reg, clientReadRequest(args));
}

/**
 * The principal a node acts as when it streams tracks to partners: its own party, the highest level of
 * its scheme, the releasing-officer role, and the need-to-know and designations its configuration gives
 * it. Automated release is a standing decision of the node's releasing authority; the rules (agreements,
 * Releasable To, consents, NOFORN, coverage, dates) are still checked on every track.
 */
export function nodePrincipal(
  reg: CompiledRegistry,
  party: string,
  options: { compartments?: string[]; designations?: string[] } = {},
): Principal {
  if (!reg.parties.has(party)) throw new RangeError(`party ${party} is not in the registry`);
  const p = basePrincipal(reg, party, ['releasing-officer', 'watch-officer']);
  if (options.compartments && options.compartments.length > 0) {
    p.restrictive = { Compartment: options.compartments };
  }
  if (options.designations && options.designations.length > 0) p.designations = options.designations;
  return p;
}

/** A standing consent (R24): the originator lets a relaying node pass one feed's tracks to one party. */
export interface StandingConsent {
  feed: string;
  /** The originator who gave it. */
  by: string;
  /** The final recipient it names. */
  to: string;
  /** When it was given (RFC 3339). */
  at: string;
  expires?: string;
  revoked?: boolean;
  ref?: string;
}

/**
 * The standing consents a relaying node holds, per feed and recipient. Revoking marks the record
 * revoked; decide() ignores revoked and expired consents, so the next track is already refused (R24:
 * revocation stops the relay at once).
 */
export class StandingConsents {
  private readonly byKey = new Map<string, StandingConsent[]>();

  private static key(feed: string, to: string): string {
    return `${feed}\u0000${to}`;
  }

  grant(c: StandingConsent): void {
    const k = StandingConsents.key(c.feed, c.to);
    const list = this.byKey.get(k);
    if (list) list.push({ ...c });
    else this.byKey.set(k, [{ ...c }]);
  }

  /** Revokes every consent for this feed and recipient; returns how many were in force. */
  revoke(feed: string, to: string): number {
    let n = 0;
    for (const c of this.byKey.get(StandingConsents.key(feed, to)) ?? []) {
      if (c.revoked !== true) n++;
      c.revoked = true;
    }
    return n;
  }

  list(): StandingConsent[] {
    return [...this.byKey.values()].flat().map((c) => ({ ...c }));
  }

  /** The label consents (contracts §3) these records amount to for one track's feed, originator, recipient. */
  consentsFor(feed: string, originator: string, to: string): Consent[] {
    const out: Consent[] = [];
    for (const c of this.byKey.get(StandingConsents.key(feed, to)) ?? []) {
      if (c.by !== originator) continue;
      const consent: Consent = { to: c.to, by: c.by, at: c.at };
      if (c.expires !== undefined) consent.expires = c.expires;
      if (c.revoked === true) consent.revoked = true;
      if (c.ref !== undefined) consent.ref = c.ref;
      out.push(consent);
    }
    return out;
  }
}

/**
 * The agreement a release of this track to `to` goes under (R24): the relay whose hub is the holder and
 * whose parties include the originator and the recipient when the holder passes on another party's track;
 * otherwise none, so decide() takes the bilateral agreement between holder and recipient.
 */
export function releaseUnder(
  reg: CompiledRegistry,
  label: Label,
  holder: string,
  to: string,
): string | undefined {
  const originator = label.originator;
  if (holder === originator || to === originator) return undefined;
  for (const relay of reg.relays) {
    if (relay.hub === holder && relay.parties.has(originator) && relay.parties.has(to)) return relay.id;
  }
  return undefined;
}

export interface PartnerReleaseArgs {
  label: Label;
  /** This node's party, which holds the track. */
  holder: string;
  /** The partner party the track would go to. */
  to: string;
  at: string;
  /** Who releases: nodePrincipal() for automated streaming. */
  principal: Principal;
  /** The track's feed, for standing consents. */
  feed?: string;
  /** The agreement this node received the track under (for a relayed track). */
  receivedUnder?: string;
  /** Standing consents held by this node (the hub). */
  consents?: StandingConsents;
  /** Force an agreement (else releaseUnder()). */
  under?: string;
}

/**
 * "May partner `to` receive this track?": `release` by the node to that party. A standing consent for the
 * track's feed is attached only when the recipient is in the track's Releasable To (R24: it never widens
 * it); decide() then checks everything else (R14–R16, R21, R24).
 */
export function partnerReleaseRequest(reg: CompiledRegistry, args: PartnerReleaseArgs): DecisionRequest {
  const { label, to } = args;
  let itemLabel = label;
  if (args.consents && args.feed !== undefined && label.releasableTo?.includes(to)) {
    const standing = args.consents.consentsFor(args.feed, label.originator, to);
    if (standing.length > 0) itemLabel = { ...label, consents: [...(label.consents ?? []), ...standing] };
  }
  const req: DecisionRequest = {
    at: args.at,
    principal: args.principal,
    action: 'release',
    item: { label: itemLabel, holder: args.holder },
    release: { to },
  };
  if (args.receivedUnder !== undefined) req.item.receivedUnder = args.receivedUnder;
  const under = args.under ?? releaseUnder(reg, label, args.holder, to);
  if (under !== undefined) req.release!.under = under;
  return req;
}

/** decide() on partnerReleaseRequest. */
export function mayPartnerReceive(reg: CompiledRegistry, args: PartnerReleaseArgs): Answer {
  return decide(reg, partnerReleaseRequest(reg, args));
}
