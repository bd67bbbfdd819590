import fc from 'fast-check';
import type { DecisionRequest, Principal } from '../../policy/index.js';
import type { Registry } from '../../registry/index.js';
import type { Consent, Label } from '../schema.js';

/*
 * fast-check arbitraries of labels, principals and decision requests over a registry (by default the
 * built-in one). Every request they build is well-formed for contracts §4 (holder = principal's party,
 * agreements that include the holder and recipient, a release never to the holder), so `decide()` answers
 * instead of throwing MALFORMED_REQUEST; every code they use is known to the registry.
 */

export const COMPARTMENTS = ['BMD', 'SIGINT'] as const;
export const TOPICS = ['DPRK-MISSILE', 'DPRK-NUCLEAR', 'MARITIME'] as const;
export const PURPOSES = ['missile defence', 'exercise'] as const;
export const ROLES = ['analyst', 'releasing-officer', 'security-officer', 'watch-officer', 'admin'] as const;
export const ACTIONS = [
  'read',
  'copy',
  'translate',
  'print',
  'export',
  'destroy',
  'release',
  'report-compromise',
] as const;
const CONSENT_TIMES = ['2015-01-01T00:00:00Z', '2020-01-01T00:00:00Z', '2025-01-01T00:00:00Z'];
const EXPIRIES = ['2019-12-31T00:00:00Z', '2030-01-01T00:00:00Z'];

export function partyCodes(reg: Registry): string[] {
  return reg.parties.map((p) => p.code);
}

export function levelIds(reg: Registry, party: string): string[] {
  return reg.parties.find((p) => p.code === party)!.levels.map((l) => l.id);
}

export function rankOf(reg: Registry, party: string, level: string): number {
  return reg.parties.find((p) => p.code === party)!.levels.find((l) => l.id === level)!.rank;
}

function designationIds(reg: Registry, party: string): string[] {
  return reg.parties.find((p) => p.code === party)!.designations.map((d) => d.id);
}

/** An instant between two ISO instants, as an ISO string. */
export function arbInstant(from: string, to: string): fc.Arbitrary<string> {
  return fc.integer({ min: Date.parse(from), max: Date.parse(to) }).map((ms) => new Date(ms).toISOString());
}

/** A consent record; `valid` = one `validateLabel` accepts (by the originator, expiring after it was given). */
export function arbConsent(reg: Registry, originator: string, valid = false): fc.Arbitrary<Consent> {
  const parties = partyCodes(reg);
  const kind = fc.oneof(
    fc.record({ to: fc.constantFrom(...parties) }),
    fc.record({ actions: fc.subarray(['copy', 'translate', 'print', 'export'] as const, { minLength: 1 }) }),
    fc.record({ purpose: fc.constantFrom(...PURPOSES) }),
  );
  return fc
    .record({
      kind,
      // Mostly the originator's own consent: anyone else's never counts (§3), which is worth testing too.
      by: valid
        ? fc.constant(originator)
        : fc.oneof({ weight: 4, arbitrary: fc.constant(originator) }, fc.constantFrom(...parties)),
      at: fc.constantFrom(...CONSENT_TIMES),
      holder: fc.option(fc.constantFrom(...parties), { nil: undefined }),
      expires: fc.option(fc.constantFrom(...EXPIRIES), { nil: undefined }),
      revoked: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ kind, by, at, holder, expires, revoked }) => {
      const c: Consent = { ...kind, by, at };
      if (holder !== undefined) c.holder = holder;
      if (expires !== undefined && (!valid || Date.parse(expires) > Date.parse(at))) c.expires = expires;
      if (revoked !== undefined) c.revoked = revoked;
      return c;
    });
}

export interface LabelOptions {
  originator?: string;
  /** Only levels of rank > 0. */
  classified?: boolean;
  /** Leave consents out. */
  noConsents?: boolean;
  /** Only labels `validateLabel` accepts (consents by the originator, sane expiries). */
  valid?: boolean;
}

/**
 * A label over the registry's parties and levels; unless `valid`, its consents may be given by another
 * party or expire before they were given (which the engine must ignore, and validateLabel reports).
 */
export function arbLabel(reg: Registry, options: LabelOptions = {}): fc.Arbitrary<Label> {
  const parties = partyCodes(reg);
  const originator = options.originator ? fc.constant(options.originator) : fc.constantFrom(...parties);
  return originator.chain((o) => {
    const levels = levelIds(reg, o).filter((l) => !options.classified || rankOf(reg, o, l) > 0);
    return fc
      .record({
        classification: fc.constantFrom(...levels),
        releasableTo: fc.option(fc.subarray(parties), { nil: undefined }),
        compartments: fc.subarray([...COMPARTMENTS]),
        designations: fc.subarray(designationIds(reg, o)),
        informative: fc.subarray(['exercise', 'routine']),
        caveats: fc.subarray(['ORCON', 'NOFORN'] as const),
        topics: fc.subarray([...TOPICS]),
        purpose: fc.option(fc.constantFrom(...PURPOSES), { nil: undefined }),
        consents: options.noConsents
          ? fc.constant([] as Consent[])
          : fc.array(arbConsent(reg, o, options.valid), { maxLength: 3 }),
      })
      .map((r) => {
        const label: Label = { originator: o, classification: r.classification };
        if (r.releasableTo !== undefined) label.releasableTo = r.releasableTo;
        const restrictive: Record<string, string[]> = {};
        if (r.compartments.length > 0) restrictive.Compartment = r.compartments;
        // R33: no designation on an unclassified item.
        if (r.designations.length > 0 && rankOf(reg, o, r.classification) > 0)
          restrictive.Designation = r.designations;
        if (Object.keys(restrictive).length > 0) label.restrictive = restrictive;
        if (r.informative.length > 0) label.informative = { Administrative: r.informative };
        if (r.caveats.length > 0) label.caveats = r.caveats;
        if (r.topics.length > 0) label.topics = r.topics;
        if (r.purpose !== undefined) label.purpose = r.purpose;
        if (r.consents.length > 0) label.consents = r.consents;
        return label;
      });
  });
}

export function arbPrincipal(reg: Registry, party?: string): fc.Arbitrary<Principal> {
  const p = party ? fc.constant(party) : fc.constantFrom(...partyCodes(reg));
  return p.chain((code) =>
    fc
      .record({
        clearance: fc.constantFrom(...levelIds(reg, code)),
        designations: fc.subarray(designationIds(reg, code)),
        compartments: fc.subarray([...COMPARTMENTS]),
        roles: fc.subarray([...ROLES]),
        official: fc.boolean(),
        contractor: fc.option(fc.boolean(), { nil: undefined }),
      })
      .map((r) => {
        const principal: Principal = {
          id: `${code.toLowerCase()}-person`,
          party: code,
          clearance: r.clearance,
          designations: r.designations,
          restrictive: { Compartment: r.compartments },
          roles: r.roles,
          official: r.official,
        };
        if (r.contractor !== undefined) principal.contractor = r.contractor;
        return principal;
      }),
  );
}

export interface RequestOptions {
  action?: (typeof ACTIONS)[number];
  from?: string;
  to?: string;
  label?: LabelOptions;
}

/** A well-formed decision request over the registry (see the file's comment). */
export function arbRequest(reg: Registry, options: RequestOptions = {}): fc.Arbitrary<DecisionRequest> {
  const parties = partyCodes(reg);
  const agreementsWith = (...codes: string[]) =>
    reg.agreements.filter((a) => codes.every((c) => a.parties.includes(c))).map((a) => a.id);
  return fc
    .record({
      principal: arbPrincipal(reg),
      label: arbLabel(reg, options.label),
      action: options.action ? fc.constant(options.action) : fc.constantFrom(...ACTIONS),
      at: arbInstant(options.from ?? '2014-06-01T00:00:00Z', options.to ?? '2026-12-31T00:00:00Z'),
      purpose: fc.option(fc.constantFrom(...PURPOSES), { nil: undefined }),
      pick: fc.nat(),
      pick2: fc.nat(),
      useReceived: fc.boolean(),
      useUnder: fc.boolean(),
    })
    .map((r) => {
      const holder = r.principal.party;
      const item: DecisionRequest['item'] = { label: r.label, holder };
      const received = agreementsWith(holder);
      if (r.useReceived && received.length > 0) item.receivedUnder = received[r.pick % received.length];
      const req: DecisionRequest = { at: r.at, principal: r.principal, action: r.action, item };
      if (r.purpose !== undefined) req.purpose = r.purpose;
      if (r.action === 'release') {
        const others = parties.filter((p) => p !== holder);
        const to = others[r.pick2 % others.length];
        req.release = { to };
        const under = agreementsWith(holder, to);
        if (r.useUnder && under.length > 0) req.release.under = under[r.pick % under.length];
      }
      return req;
    });
}
