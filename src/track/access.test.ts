import { describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { compileRegistry, type Principal } from '../policy/index.js';
import { loadBuiltinRegistry } from '../registry/index.js';
import {
  clientReadRequest,
  mayClientReceive,
  mayPartnerReceive,
  nodePrincipal,
  partnerReleaseRequest,
  releaseUnder,
  StandingConsents,
} from './access.js';

const reg = compileRegistry(loadBuiltinRegistry());
const AT = '2023-12-19T00:00:00Z';

const toAll: Label = {
  originator: 'KOR',
  classification: 'II',
  releasableTo: ['KOR', 'JPN', 'USA'],
  topics: ['DPRK-MISSILE'],
};
const korUsaOnly: Label = { ...toAll, releasableTo: ['KOR', 'USA'] };

const kor = nodePrincipal(reg, 'KOR');
const usa = nodePrincipal(reg, 'USA');

function hubConsents(): StandingConsents {
  const c = new StandingConsents();
  c.grant({
    feed: 'KOR-MW-1',
    by: 'KOR',
    to: 'JPN',
    at: '2023-12-19T00:00:00Z',
    ref: 'consent--kor-mw-1-jpn',
  });
  return c;
}

const codes = (a: { reasons: { code: string }[] }) => a.reasons.map((r) => r.code);

describe('R31, R24: may a partner receive this track (decide on a release by the node)', () => {
  it('lets KOR’s node release its own track to the US hub under the bilateral agreement', () => {
    const req = partnerReleaseRequest(reg, {
      label: toAll,
      holder: 'KOR',
      to: 'USA',
      at: AT,
      principal: kor,
    });
    expect(req.release).toEqual({ to: 'USA' });
    expect(req.action).toBe('release');
    expect(
      mayPartnerReceive(reg, { label: toAll, holder: 'KOR', to: 'USA', at: AT, principal: kor }).decision,
    ).toBe('permit');
  });

  it('R24: the US hub relays a KOR track to JPN under TISA with the standing consent for its feed', () => {
    const args = {
      label: toAll,
      holder: 'USA',
      to: 'JPN',
      at: AT,
      principal: usa,
      feed: 'KOR-MW-1',
      receivedUnder: 'USA-KOR-GSOMIA',
      consents: hubConsents(),
    };
    const req = partnerReleaseRequest(reg, args);
    expect(req.release).toEqual({ to: 'JPN', under: 'TISA' });
    expect(req.item.label.consents).toEqual([
      { to: 'JPN', by: 'KOR', at: '2023-12-19T00:00:00Z', ref: 'consent--kor-mw-1-jpn' },
    ]);
    expect(mayPartnerReceive(reg, args)).toMatchObject({ decision: 'permit' });
  });

  it('R24: and a JPN track to KOR the same way, under JPN’s consent for its feed', () => {
    const jpnTrack: Label = {
      originator: 'JPN',
      classification: 'GOKUHI',
      releasableTo: ['JPN', 'KOR', 'USA'],
      topics: ['DPRK-MISSILE'],
    };
    const consents = new StandingConsents();
    consents.grant({ feed: 'JPN-MW-2', by: 'JPN', to: 'KOR', at: '2023-12-19T00:00:00Z' });
    const args = {
      label: jpnTrack,
      holder: 'USA',
      to: 'KOR',
      at: AT,
      principal: usa,
      feed: 'JPN-MW-2',
      consents,
    };
    expect(partnerReleaseRequest(reg, args).release).toEqual({ to: 'KOR', under: 'TISA' });
    expect(mayPartnerReceive(reg, args).decision).toBe('permit');
    // KOR’s consent for its own feed says nothing about JPN’s tracks
    expect(mayPartnerReceive(reg, { ...args, consents: hubConsents() }).decision).toBe('deny');
  });

  it('R24: without a standing consent the hub may not relay', () => {
    const answer = mayPartnerReceive(reg, {
      label: toAll,
      holder: 'USA',
      to: 'JPN',
      at: AT,
      principal: usa,
      feed: 'KOR-MW-1',
    });
    expect(answer.decision).toBe('deny');
    expect(codes(answer)).toContain('THIRD_PARTY_CONSENT_REQUIRED');
  });

  it('R24: a standing consent never widens Releasable To — a KOR+USA track never reaches JPN', () => {
    const args = {
      label: korUsaOnly,
      holder: 'USA',
      to: 'JPN',
      at: AT,
      principal: usa,
      feed: 'KOR-MW-1',
      consents: hubConsents(),
    };
    expect(partnerReleaseRequest(reg, args).item.label.consents).toBeUndefined();
    const answer = mayPartnerReceive(reg, args);
    expect(answer.decision).toBe('deny');
    expect(codes(answer)).toContain('THIRD_PARTY_CONSENT_REQUIRED');
    // and KOR's own node does not send it to JPN either
    expect(
      mayPartnerReceive(reg, { label: korUsaOnly, holder: 'KOR', to: 'JPN', at: AT, principal: kor })
        .decision,
    ).toBe('deny');
  });

  it('R24: revoking the standing consent stops the relay at once; an expired one counts for nothing', () => {
    const consents = hubConsents();
    const args = {
      label: toAll,
      holder: 'USA',
      to: 'JPN',
      at: AT,
      principal: usa,
      feed: 'KOR-MW-1',
      consents,
    };
    expect(mayPartnerReceive(reg, args).decision).toBe('permit');
    expect(consents.revoke('KOR-MW-1', 'JPN')).toBe(1);
    expect(mayPartnerReceive(reg, args).decision).toBe('deny');

    const expiring = new StandingConsents();
    expiring.grant({
      feed: 'KOR-MW-1',
      by: 'KOR',
      to: 'JPN',
      at: '2023-01-01T00:00:00Z',
      expires: '2023-12-01T00:00:00Z',
    });
    expect(mayPartnerReceive(reg, { ...args, consents: expiring }).decision).toBe('deny');
  });

  it('R24: a consent for another feed, or given by someone other than the originator, does not count', () => {
    const other = new StandingConsents();
    other.grant({ feed: 'KOR-MW-2', by: 'KOR', to: 'JPN', at: '2023-01-01T00:00:00Z' });
    other.grant({ feed: 'KOR-MW-1', by: 'USA', to: 'JPN', at: '2023-01-01T00:00:00Z' });
    const args = {
      label: toAll,
      holder: 'USA',
      to: 'JPN',
      at: AT,
      principal: usa,
      feed: 'KOR-MW-1',
      consents: other,
    };
    expect(mayPartnerReceive(reg, args).decision).toBe('deny');
  });

  it('R21, R24: no relay before TISA was in force', () => {
    const args = {
      label: toAll,
      holder: 'USA',
      to: 'JPN',
      at: '2014-06-01T00:00:00Z',
      principal: usa,
      feed: 'KOR-MW-1',
      consents: hubConsents(),
    };
    expect(codes(mayPartnerReceive(reg, args))).toContain('AGREEMENT_NOT_IN_FORCE');
  });

  it('R24: TISA covers only DPRK nuclear and missile topics', () => {
    const args = {
      label: { ...toAll, topics: ['CHINA-NAVY'] },
      holder: 'USA',
      to: 'JPN',
      at: AT,
      principal: usa,
      feed: 'KOR-MW-1',
      consents: hubConsents(),
    };
    expect(codes(mayPartnerReceive(reg, args))).toContain('OUT_OF_SCOPE');
  });

  it('R12: a NOFORN track never leaves its node', () => {
    const answer = mayPartnerReceive(reg, {
      label: { ...toAll, caveats: ['NOFORN'] },
      holder: 'KOR',
      to: 'USA',
      at: AT,
      principal: kor,
    });
    expect(codes(answer)).toContain('NOFORN');
  });

  it('picks the relay only when the holder is its hub passing on another party’s track', () => {
    expect(releaseUnder(reg, toAll, 'KOR', 'USA')).toBeUndefined();
    expect(releaseUnder(reg, toAll, 'KOR', 'JPN')).toBeUndefined();
    expect(releaseUnder(reg, toAll, 'USA', 'JPN')).toBe('TISA');
    expect(releaseUnder(reg, { ...toAll, originator: 'JPN', classification: 'GOKUHI' }, 'USA', 'KOR')).toBe(
      'TISA',
    );
    expect(releaseUnder(reg, toAll, 'USA', 'KOR')).toBeUndefined(); // back to the originator: bilateral
  });

  it('acts for the node with the top level of its scheme and the releasing role', () => {
    expect(nodePrincipal(reg, 'KOR')).toMatchObject({
      party: 'KOR',
      clearance: 'I',
      roles: ['releasing-officer', 'watch-officer'],
    });
    expect(nodePrincipal(reg, 'JPN').clearance).toBe('KIMITSU');
    expect(nodePrincipal(reg, 'USA', { compartments: ['BMD'] }).restrictive).toEqual({
      Compartment: ['BMD'],
    });
    expect(() => nodePrincipal(reg, 'FRA')).toThrow();
  });
});

describe('R31: may a person on this node see this track (decide on a read)', () => {
  const person = (party: string, clearance: string, extra: Partial<Principal> = {}): Principal => ({
    id: `${party.toLowerCase()}-watch`,
    party,
    clearance,
    roles: ['watch-officer'],
    official: true,
    ...extra,
  });

  it('shows a relayed KOR track to a cleared JPN watch officer, marked at the equivalent level (R6)', () => {
    const req = clientReadRequest({
      label: toAll,
      principal: person('JPN', 'GOKUHI'),
      at: AT,
      receivedUnder: 'TISA',
    });
    expect(req).toMatchObject({ action: 'read', item: { holder: 'JPN', receivedUnder: 'TISA' } });
    const answer = mayClientReceive(reg, {
      label: toAll,
      principal: person('JPN', 'GOKUHI'),
      at: AT,
      receivedUnder: 'TISA',
    });
    expect(answer.decision).toBe('permit');
    expect(answer.obligations).toEqual([
      { type: 'mark', originator: 'KOR', classification: { party: 'JPN', level: 'GOKUHI' } },
    ]);
  });

  it('R10: not to a JPN person cleared below the equivalent level', () => {
    const answer = mayClientReceive(reg, {
      label: toAll,
      principal: person('JPN', 'HI'),
      at: AT,
      receivedUnder: 'TISA',
    });
    expect(codes(answer)).toEqual(['CLEARANCE_TOO_LOW']);
  });

  it('R11: never to a JPN person when JPN is not in Releasable To', () => {
    const answer = mayClientReceive(reg, {
      label: korUsaOnly,
      principal: person('JPN', 'KIMITSU'),
      at: AT,
      receivedUnder: 'TISA',
    });
    expect(codes(answer)).toContain('NOT_RELEASABLE_TO_PARTY');
  });

  it('R10: need-to-know on a compartment', () => {
    const label = { ...toAll, restrictive: { Compartment: ['BMD'] } };
    expect(mayClientReceive(reg, { label, principal: person('KOR', 'II'), at: AT }).decision).toBe('deny');
    expect(
      mayClientReceive(reg, {
        label,
        principal: person('KOR', 'II', { restrictive: { Compartment: ['BMD'] } }),
        at: AT,
      }).decision,
    ).toBe('permit');
  });

  it('shows KOR’s own track to a KOR officer with the clearance, without a mark', () => {
    const answer = mayClientReceive(reg, { label: toAll, principal: person('KOR', 'II'), at: AT });
    expect(answer).toEqual({ decision: 'permit', reasons: [], obligations: [] });
  });
});
