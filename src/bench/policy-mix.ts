import type { Consent, ConsentAction, Label } from '../label/schema.js';
import type { Action, DecisionRequest, Principal, Role } from '../policy/schema.js';
import type { Agreement, Registry } from '../registry/schema.js';

/**
 * A seeded generator of a realistic mix of decision requests over a registry (built for the built-in one):
 * every action, own and foreign items received under every agreement (the relay included), levels of every
 * rank, designations, compartments, caveats, consents, purposes, releases, dates across 2015–2026, and
 * principals of every role and clearance, contractors among them. Same seed, same requests.
 *
 * It produces only well-formed requests (holder = the principal's party, agreements naming the holder, no
 * release to oneself) and a small share with unknown codes, so every answer is a decision, never an error.
 */

/** mulberry32: small, fast, and good enough to draw a benchmark's mix; state is one 32-bit integer. */
export function createRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MixOptions {
  seed: number;
  count: number;
  /**
   * Share objects as a node does: each party's people per duty come from a pool of `principals` (a session
   * each), and labels per (originator, reader, received under) from a pool of `labels` (marking-definitions).
   * Absent: every request is its own object tree.
   */
  pools?: { principals: number; labels: number };
}

/** Shares of each action: reads dominate, as in any holding node's day. */
export const ACTION_WEIGHTS: readonly (readonly [Action, number])[] = [
  ['read', 62],
  ['copy', 7],
  ['translate', 4],
  ['print', 6],
  ['export', 4],
  ['destroy', 3],
  ['release', 12],
  ['report-compromise', 2],
];

const FIRST = Date.UTC(2015, 0, 1);
const LAST = Date.UTC(2026, 11, 31, 23, 59, 59);
const DAY = 86_400_000;

const PURPOSES = ['missile defence', 'maritime security', 'nuclear monitoring', 'exercise planning'];
const COMPARTMENTS = ['BMD', 'SIGINT', 'SAP-7'];
const OPERATIONS = ['KEEN-EDGE', 'FREEDOM-EDGE'];
const OFF_SCOPE_TOPICS = ['CHINA-NAVAL', 'RUSSIA-AIR'];
const CONSENT_ACTIONS: readonly ConsentAction[] = ['copy', 'translate', 'print', 'export'];
/** Weight of each rank when drawing an item's level or a person's clearance. */
const ITEM_RANK_WEIGHTS = [12, 24, 32, 22, 10];
const CLEARANCE_RANK_WEIGHTS = [4, 18, 36, 30, 12];

class Draw {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  /** A non-empty random subset, in the source order. */
  subset<T>(items: readonly T[], max = items.length): T[] {
    const n = 1 + this.int(Math.min(max, items.length));
    const chosen = new Set<T>();
    while (chosen.size < n) chosen.add(this.pick(items));
    return items.filter((i) => chosen.has(i));
  }
}

interface PartyInfo {
  code: string;
  levels: { id: string; rank: number }[];
  designations: string[];
}

interface World {
  parties: PartyInfo[];
  codes: string[];
  byCode: Map<string, PartyInfo>;
  agreements: Agreement[];
  bilateral(a: string, b: string): Agreement | undefined;
  relays: Agreement[];
  entryIntoForce: Map<string, number>;
}

function world(registry: Registry): World {
  const parties = registry.parties.map((p) => ({
    code: p.code,
    levels: p.levels.map((l) => ({ id: l.id, rank: l.rank })),
    designations: p.designations.map((d) => d.id),
  }));
  const bilaterals = registry.agreements.filter((a) => a.kind === 'bilateral');
  const entryIntoForce = new Map<string, number>();
  for (const a of registry.agreements) {
    const e = a.events.find((ev) => ev.type === 'entry-into-force');
    // Calendar date, shifted a day so the instant is after 00:00 in any time zone.
    if (e) entryIntoForce.set(a.id, Date.parse(`${e.date}T00:00:00Z`) + DAY);
  }
  return {
    parties,
    codes: parties.map((p) => p.code),
    byCode: new Map(parties.map((p) => [p.code, p])),
    agreements: registry.agreements,
    bilateral: (a, b) => bilaterals.find((x) => x.parties.includes(a) && x.parties.includes(b)),
    relays: registry.agreements.filter((a) => a.kind === 'relay'),
    entryIntoForce,
  };
}

function pickLevel(d: Draw, party: PartyInfo, weights: readonly number[]): { id: string; rank: number } {
  return d.weighted(party.levels.map((l) => [l, weights[l.rank] ?? 5] as const));
}

function instant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function makePrincipal(d: Draw, party: PartyInfo, action: Action): Principal {
  const roles = new Set<Role>();
  if (action === 'release') roles.add(d.chance(0.85) ? 'releasing-officer' : 'analyst');
  else if (action === 'destroy' || action === 'report-compromise')
    roles.add(d.chance(0.85) ? 'security-officer' : 'watch-officer');
  else
    roles.add(
      d.weighted<Role>([
        ['analyst', 70],
        ['watch-officer', 14],
        ['admin', 4],
        ['releasing-officer', 7],
        ['security-officer', 5],
      ]),
    );
  if (d.chance(0.15)) roles.add(d.pick<Role>(['analyst', 'watch-officer', 'releasing-officer']));

  const contractor = d.chance(0.05);
  const official = contractor ? d.chance(0.1) : !d.chance(0.02);
  const principal: Principal = {
    id: `${party.code.toLowerCase()}-${[...roles][0]}-${d.int(200)}`,
    party: party.code,
    clearance: pickLevel(d, party, CLEARANCE_RANK_WEIGHTS).id,
    roles: [...roles],
    official,
  };
  if (party.designations.length > 0 && d.chance(0.25)) principal.designations = [d.pick(party.designations)];
  else if (d.chance(0.6)) principal.designations = [];
  if (d.chance(0.55)) {
    const restrictive: Record<string, string[]> = { Compartment: d.subset(COMPARTMENTS) };
    if (d.chance(0.15)) restrictive.Operation = d.subset(OPERATIONS, 1);
    principal.restrictive = restrictive;
  } else if (d.chance(0.5)) principal.restrictive = {};
  if (contractor || d.chance(0.7)) principal.contractor = contractor;
  return principal;
}

/** The agreement a foreign item was received under, or undefined (then the originator–reader bilateral applies). */
function pickReceivedUnder(d: Draw, w: World, originator: string, reader: string): string | undefined {
  const relays = w.relays.filter(
    (r) => r.hub !== originator && r.parties.includes(originator) && r.parties.includes(reader),
  );
  // A third party's bilateral: the item came through the hub of that agreement, with consent.
  const others = w.agreements.filter(
    (a) => a.kind === 'bilateral' && a.parties.includes(reader) && !a.parties.includes(originator),
  );
  const direct = w.bilateral(originator, reader);
  const choice = d.weighted<'direct' | 'absent' | 'relay' | 'other'>([
    ['direct', direct ? 68 : 0],
    ['absent', 12],
    ['relay', relays.length > 0 ? 14 : 0],
    ['other', others.length > 0 ? 6 : 0],
  ]);
  if (choice === 'direct') return direct!.id;
  if (choice === 'relay') return d.pick(relays).id;
  if (choice === 'other') return d.pick(others).id;
  return undefined;
}

function makeTopics(d: Draw, scope: readonly string[] | null): string[] | undefined {
  const inScope = scope ?? ['DPRK-MISSILE', 'DPRK-NUCLEAR'];
  if (scope) return d.subset(inScope);
  const kind = d.weighted<'missile' | 'nuclear' | 'both' | 'other' | 'none'>([
    ['missile', 50],
    ['nuclear', 20],
    ['both', 10],
    ['other', 12],
    ['none', 8],
  ]);
  if (kind === 'missile') return [inScope[0]!];
  if (kind === 'nuclear') return [inScope[1] ?? inScope[0]!];
  if (kind === 'both') return [...inScope];
  if (kind === 'other') return [d.pick(OFF_SCOPE_TOPICS)];
  return d.chance(0.5) ? [] : undefined;
}

function makeConsents(d: Draw, w: World, originator: string, atMs: number, holder: string): Consent[] {
  const consents: Consent[] = [];
  const n = 1 + d.int(3);
  for (let i = 0; i < n; i++) {
    const byOriginator = d.chance(0.9);
    const by = byOriginator ? originator : d.pick(w.codes.filter((c) => c !== originator));
    // Mostly given before the request; some only later (they do not count yet).
    const givenAt = d.chance(0.88) ? atMs - (1 + d.int(700)) * DAY : atMs + (1 + d.int(60)) * DAY;
    const consent: Consent = { by, at: instant(givenAt), ref: `consent--${d.int(1_000_000)}` };
    const kind = d.weighted<'to' | 'actions' | 'purpose'>([
      ['to', 50],
      ['actions', 30],
      ['purpose', 20],
    ]);
    if (kind === 'to') consent.to = d.pick(w.codes.filter((c) => c !== originator));
    else if (kind === 'actions') consent.actions = d.subset(CONSENT_ACTIONS);
    else consent.purpose = d.pick(PURPOSES);
    if (kind !== 'to' && d.chance(0.3)) consent.holder = d.chance(0.8) ? holder : d.pick(w.codes);
    if (d.chance(0.2)) {
      // Half of the expiring ones have already expired at the request's instant.
      consent.expires = instant(d.chance(0.5) ? atMs - (1 + d.int(30)) * DAY : atMs + (1 + d.int(365)) * DAY);
    }
    if (d.chance(0.08)) consent.revoked = true;
    consents.push(consent);
  }
  return consents;
}

interface LabelContext {
  own: boolean;
  originator: PartyInfo;
  reader: PartyInfo;
  via: Agreement | undefined;
  atMs: number;
}

function makeLabel(d: Draw, w: World, c: LabelContext): Label {
  const { own, originator, reader } = c;
  const level = pickLevel(d, originator, ITEM_RANK_WEIGHTS);
  const label: Label = { originator: originator.code, classification: level.id };

  const others = w.codes.filter((x) => x !== originator.code);
  if (own) {
    const r = d.next();
    // Below 0.2: no Releasable To at all (originator only).
    if (r >= 0.8) label.releasableTo = [originator.code, ...others];
    else if (r >= 0.35) label.releasableTo = [originator.code, d.pick(others)];
    else if (r >= 0.2) label.releasableTo = [originator.code];
  } else {
    const r = d.next();
    if (r < 0.55) label.releasableTo = [originator.code, reader.code];
    else if (r < 0.88) label.releasableTo = [originator.code, ...others];
    else if (r < 0.95) label.releasableTo = [originator.code];
    else label.releasableTo = [originator.code, d.pick(others.filter((x) => x !== reader.code))];
  }

  const restrictive: Record<string, string[]> = {};
  if (d.chance(0.25)) restrictive.Compartment = d.subset(COMPARTMENTS, 2);
  if (d.chance(0.04)) restrictive.Operation = [d.pick(OPERATIONS)];
  if (originator.designations.length > 0 && level.rank >= 2 && d.chance(0.2))
    restrictive.Designation = [d.pick(originator.designations)];
  if (Object.keys(restrictive).length > 0 || d.chance(0.3)) label.restrictive = restrictive;
  if (d.chance(0.3)) label.informative = { Administrative: [d.pick(['exercise', 'routine', 'priority'])] };

  const caveats: ('ORCON' | 'NOFORN')[] = [];
  if (d.chance(0.1)) caveats.push('ORCON');
  if (d.chance(0.04)) caveats.push('NOFORN');
  if (caveats.length > 0 || d.chance(0.3)) label.caveats = caveats;

  const topics = makeTopics(d, c.via?.scopeTopics ?? null);
  if (topics) label.topics = topics;
  if (d.chance(0.85)) label.purpose = d.pick(PURPOSES);
  if (d.chance(0.25)) label.consents = makeConsents(d, w, originator.code, c.atMs, reader.code);
  else if (d.chance(0.3)) label.consents = [];
  return label;
}

/**
 * Objects a node holds once and decides many times about: a person's principal (one per session) and an
 * item's label (a STIX marking-definition, shared by every object it marks). With pools, requests share
 * them; without, every request is its own object tree, as parsed from a JSONL line.
 */
class Pools {
  private readonly pools = new Map<string, unknown[]>();
  constructor(
    private readonly d: Draw,
    private readonly capacity: number,
  ) {}
  /** A pooled object for `key`: a new one while the pool fills, then a random one of it. */
  take<T>(key: string, make: () => T): T {
    let pool = this.pools.get(key) as T[] | undefined;
    if (!pool) {
      pool = [];
      this.pools.set(key, pool);
    }
    if (pool.length < this.capacity) {
      const made = make();
      pool.push(made);
      return made;
    }
    return this.d.pick(pool);
  }
}

function makeRequest(d: Draw, w: World, pools: { principals?: Pools; labels?: Pools }): DecisionRequest {
  const action = d.weighted(ACTION_WEIGHTS);
  const reader = d.weighted(w.parties.map((p) => [p, p.code === 'USA' ? 30 : 35] as const));
  const duty =
    action === 'release'
      ? 'release'
      : action === 'destroy' || action === 'report-compromise'
        ? 'security'
        : 'other';
  let principal = pools.principals
    ? pools.principals.take(`${reader.code}|${duty}`, () => makePrincipal(d, reader, action))
    : makePrincipal(d, reader, action);

  const own = d.chance(0.45);
  const originator = own ? reader : d.pick(w.parties.filter((p) => p.code !== reader.code));
  const receivedUnder = own ? undefined : pickReceivedUnder(d, w, originator.code, reader.code);
  const via = receivedUnder ? w.agreements.find((a) => a.id === receivedUnder) : undefined;

  // Dates across the GSOMIA history; an item cannot have been received before its agreement was in force.
  const earliest = Math.max(FIRST, (receivedUnder && w.entryIntoForce.get(receivedUnder)) || FIRST);
  const atMs = earliest + Math.floor(d.next() * ((LAST - earliest) / 1000)) * 1000;

  const context: LabelContext = { own, originator, reader, via, atMs };
  let label = pools.labels
    ? pools.labels.take(`${originator.code}|${reader.code}|${receivedUnder ?? ''}`, () =>
        makeLabel(d, w, context),
      )
    : makeLabel(d, w, context);

  const request: DecisionRequest = {
    at: instant(atMs),
    principal,
    action,
    item: { label },
  };
  if (d.chance(0.7)) request.item.holder = reader.code;
  if (receivedUnder) request.item.receivedUnder = receivedUnder;

  if (action === 'release') {
    // Mostly to a party the item is meant for; the holder forwarding to the originator happens too.
    const to = d.pick(w.codes.filter((c) => c !== reader.code));
    const release: { to: string; under?: string } = { to };
    const r = d.next();
    const direct = w.bilateral(reader.code, to);
    const relays = w.relays.filter((x) => x.parties.includes(reader.code) && x.parties.includes(to));
    if (r < 0.25 && direct) release.under = direct.id;
    else if (r < 0.45 && relays.length > 0) release.under = d.pick(relays).id;
    request.release = release;
  }

  const pr = d.next();
  if (pr < 0.18 && label.purpose) request.purpose = label.purpose;
  else if (pr < 0.3) request.purpose = d.pick(PURPOSES);

  // A few requests with codes the registry does not know: their answer is UNKNOWN_* and nothing else.
  // They get their own copies, so a pooled object is never altered.
  const unknown = d.next();
  if (unknown < 0.003) label = { ...label, classification: 'SECRET' };
  else if (unknown < 0.005)
    label = { ...label, releasableTo: [...(label.releasableTo ?? [originator.code]), 'GBR'] };
  else if (unknown < 0.006) principal = { ...principal, clearance: 'TOP-SECRET' };
  request.principal = principal;
  request.item.label = label;
  return request;
}

/** `count` requests drawn from `seed` over `registry`; the same arguments give the same requests. */
export function generatePolicyMix(registry: Registry, options: MixOptions): DecisionRequest[] {
  const d = new Draw(createRng(options.seed));
  const w = world(registry);
  const pools = options.pools
    ? { principals: new Pools(d, options.pools.principals), labels: new Pools(d, options.pools.labels) }
    : {};
  const out: DecisionRequest[] = new Array(options.count);
  for (let i = 0; i < options.count; i++) out[i] = makeRequest(d, w, pools);
  return out;
}
