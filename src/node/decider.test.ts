import { describe, expect, it } from 'vitest';
import type { Label } from '../label/index.js';
import { compileRegistry, decide } from '../policy/index.js';
import { loadBuiltinRegistry } from '../registry/index.js';
import type { Store } from '../store/index.js';
import { Decider, nodePrincipal } from './decider.js';
import { LabelBook } from './labels.js';
import type { Person } from './service.js';

const registry = compileRegistry(loadBuiltinRegistry());
const AT = '2026-03-02T00:00:00.000Z';

/** A label book that holds nothing: every label below is decided as given. */
const book = new LabelBook({} as Store, 'KOR');

function person(name: string, roles: Person['roles'], clearance = 'II'): Person {
  return { id: name, name, version: 1, party: 'KOR', clearance, roles, official: true };
}

describe('the node principal', () => {
  it("holds the label's designations that the registry gives its party, and the need-to-know the label asks (R10, R13)", () => {
    const label: Label = {
      originator: 'JPN',
      classification: 'KIMITSU',
      releasableTo: ['JPN', 'KOR'],
      restrictive: { Designation: ['TOKUTEI'], Project: ['P1'] },
    };
    const jpn = nodePrincipal(registry, 'JPN', label);
    expect(jpn.designations).toEqual(['TOKUTEI']);
    expect(jpn.restrictive).toEqual({ Project: ['P1'] });
    expect(jpn.clearance).toBe('KIMITSU');
    expect(nodePrincipal(registry, 'KOR', label).designations).toEqual([]);
  });

  it("decides a partner's release as that partner's node (the sender's designated item is not refused for want of it)", () => {
    const label: Label = {
      originator: 'JPN',
      classification: 'HI',
      releasableTo: ['JPN', 'KOR'],
      restrictive: { Designation: ['TOKUTEI'] },
    };
    const answer = Decider.nodeRelease(registry, 'JPN', label, AT, { to: 'KOR' });
    expect(answer.reasons.map((r) => r.code)).not.toContain('DESIGNATION_REQUIRED');
  });
});

describe('the Decider', () => {
  const low: Label = { originator: 'KOR', classification: 'III' };
  const high: Label = { originator: 'KOR', classification: 'I' };

  it('answers a label as decide() does, once per (label, action), and audits each distinct decision with its subjects', () => {
    const analyst = person('analyst', ['analyst']);
    const d = new Decider(analyst, registry, book, 'KOR', AT);
    const a1 = d.answerFor('low', low, 'read');
    expect(d.answerFor('low', low, 'read')).toBe(a1);
    const { version: _v, name: _n, ...principal } = analyst;
    expect(a1).toEqual(
      decide(registry, { at: AT, principal, action: 'read', item: { label: low, holder: 'KOR' } }),
    );
    expect(d.answerFor('high', high, 'read').decision).toBe('deny');
    d.note('low', 'read', 'report--1');
    const entries = d.auditEntries('list');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      actor: 'analyst',
      action: 'read',
      decision: 'permit',
      subjects: ['report--1'],
    });
    expect(entries[1]).toMatchObject({ decision: 'deny', reasons: ['CLEARANCE_TOO_LOW'] });
  });

  it('decides a release per destination, apart from the decisions audited by auditEntries()', () => {
    const officer = person('officer', ['releasing-officer']);
    const d = new Decider(officer, registry, book, 'KOR', AT);
    d.answerFor('low', low, 'read');
    const toUsa = d.release('low', low, { to: 'USA' });
    expect(d.release('low', low, { to: 'USA' })).toBe(toUsa);
    const { version: _v, name: _n, ...principal } = officer;
    for (const to of ['USA', 'JPN']) {
      expect(d.release('low', low, { to })).toEqual(
        decide(registry, {
          at: AT,
          principal,
          action: 'release',
          item: { label: low, holder: 'KOR' },
          release: { to },
        }),
      );
    }
    expect(d.auditEntries('approve').map((e) => e.action)).toEqual(['read']);
  });

  it('decides a request asked whole for the signed-in person, whatever principal it names, and audits it', () => {
    const d = new Decider(person('analyst', ['analyst']), registry, book, 'KOR', AT);
    const answer = d.ask({ at: AT, action: 'read', item: { label: high, holder: 'KOR' } });
    expect(answer.decision).toBe('deny');
    expect(d.auditEntries('decide')).toEqual([
      expect.objectContaining({
        actor: 'analyst',
        action: 'read',
        decision: 'deny',
        details: { via: 'decide', at: AT, label: high },
      }),
    ]);
  });

  it('allows the node-level decisions by role and refuses the others with FORBIDDEN', () => {
    const officer = new Decider(person('so', ['security-officer']), registry, book, 'KOR', AT);
    const admin = new Decider(person('admin', ['admin']), registry, book, 'KOR', AT);
    const analyst = new Decider(person('analyst', ['analyst']), registry, book, 'KOR', AT);
    expect(officer.may('read-audit') && admin.may('read-audit')).toBe(true);
    expect(analyst.may('read-audit')).toBe(false);
    expect(admin.may('reclassify')).toBe(false);
    expect(() => analyst.require('reclassify')).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        details: { reasons: [{ code: 'ROLE_REQUIRED', rule: 'R18' }] },
      }),
    );
    expect(() => officer.require('handle-compromise')).not.toThrow();
  });
});
