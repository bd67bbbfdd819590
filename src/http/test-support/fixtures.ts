import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Label } from '../../label/schema.js';
import { labelToMarking, partyIdentityId, withPortions } from '../../stix/index.js';
import type { StixObject } from '../../store/store.js';

/**
 * Test content for the HTTP edge on a KOR node: a CONFIDENTIAL-tier floor (KOR III) with SECRET-tier
 * portions (KOR II) and wholly SECRET reports. Every SECRET text carries a marker word, so a test can look
 * for it in any response body, header or CLI output: it must never reach `analyst-low`.
 */
export const SECRET_MARK = 'ZULUSECRET';
export const LOW_MARK = 'ALPHACONF';

/** KOR's CONFIDENTIAL-tier level is III, its SECRET-tier level II (registry.builtin.json, tiers C and S). */
export const LOW_LABEL: Label = { originator: 'KOR', classification: 'III', topics: ['DPRK-MISSILE'] };
export const SECRET_LABEL: Label = { originator: 'KOR', classification: 'II', topics: ['DPRK-MISSILE'] };
export const LOW_MARKING = labelToMarking(LOW_LABEL) as unknown as StixObject;
export const SECRET_MARKING = labelToMarking(SECRET_LABEL) as unknown as StixObject;

/** The demo people of contracts §8 that these tests need. */
export const PEOPLE = [
  { name: 'analyst', password: 'analyst-password', clearance: 'II', roles: ['analyst'] as const },
  { name: 'analyst-low', password: 'low-password', clearance: 'III', roles: ['analyst'] as const },
  { name: 'security', password: 'security-password', clearance: 'II', roles: ['security-officer'] as const },
  { name: 'admin', password: 'admin-password', clearance: 'II', roles: ['admin'] as const },
].map((p) => ({ ...p, roles: [...p.roles] }));

export const KOR_IDENTITY = partyIdentityId('KOR');

let clock = Date.parse('2026-02-01T00:00:00.000Z');
function stamp(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

/** A report whose floor is CONFIDENTIAL-tier, with one CONFIDENTIAL and one SECRET portion (R7). */
export function mixedReport(n: number, id = `report--${randomUUID()}`, modified?: string): StixObject {
  const t = modified ?? stamp();
  const report: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id,
    created: t,
    modified: t,
    created_by_ref: KOR_IDENTITY,
    name: `Launch summary ${n} ${LOW_MARK}`,
    published: t,
    object_refs: [KOR_IDENTITY],
    object_marking_refs: [LOW_MARKING.id],
  };
  return withPortions(report, [
    { text: `Confidential paragraph ${n} ${LOW_MARK}.` },
    { text: `Secret paragraph ${n} ${SECRET_MARK}: the launch site is known.`, marking: SECRET_MARKING.id },
  ]);
}

/** A report that is SECRET-tier as a whole: `analyst-low` may not know it exists. */
export function secretReport(n: number, id = `report--${randomUUID()}`): StixObject {
  const t = stamp();
  return {
    type: 'report',
    spec_version: '2.1',
    id,
    created: t,
    modified: t,
    created_by_ref: KOR_IDENTITY,
    name: `Secret assessment ${n} ${SECRET_MARK}`,
    description: `${SECRET_MARK} whole-report text ${n}`,
    published: t,
    object_refs: [KOR_IDENTITY],
    object_marking_refs: [SECRET_MARKING.id],
  };
}

/** A bundle of objects with the two label marking-definitions they use. */
export function bundle(objects: StixObject[]): { type: 'bundle'; id: string; objects: StixObject[] } {
  return {
    type: 'bundle',
    id: `bundle--${randomUUID()}`,
    objects: [LOW_MARKING, SECRET_MARKING, ...objects],
  };
}

/** The ATT&CK ICS bundle (1,826 objects) as shipped beside the repository (`../shared/data/attack/`). */
export const ICS_BUNDLE_PATH = new URL(
  '../../../../shared/data/attack/ics-attack-18.1.json',
  import.meta.url,
);

/**
 * The ICS bundle with every object labelled CONFIDENTIAL-tier KOR (the marking-definitions it ships are
 * left as they are), plus the label itself: what a KOR analyst posts in one request.
 */
export function labelledIcsObjects(path = ICS_BUNDLE_PATH): StixObject[] {
  const b = JSON.parse(readFileSync(path, 'utf8')) as { objects: StixObject[] };
  const objects = b.objects.map((o) => {
    if (o.type === 'marking-definition') return o;
    return {
      ...o,
      object_marking_refs: [LOW_MARKING.id, ...((o.object_marking_refs as string[] | undefined) ?? [])],
    };
  });
  return [LOW_MARKING, ...objects];
}

/** Basic credentials header for a person of PEOPLE. */
export function basic(name: string): string {
  const p = PEOPLE.find((x) => x.name === name);
  if (!p) throw new Error(`no test person ${name}`);
  return `Basic ${Buffer.from(`${p.name}:${p.password}`).toString('base64')}`;
}

const ID_IN_JSON = /"([a-z0-9-]+)--([0-9a-f]{8})(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g;

/**
 * Copy `copy` of a set of objects with every id (and every reference to it) renewed, marking-definitions
 * excepted: the same content posted again as new items (benchmarks, the 16 MiB body).
 */
export function renewIds(objects: readonly StixObject[], copy: number): StixObject[] {
  const prefix = (copy + 1).toString(16).padStart(8, '0');
  const text = JSON.stringify(objects).replace(
    ID_IN_JSON,
    (whole, type: string, _head: string, tail: string) =>
      type === 'marking-definition' ? whole : `"${type}--${prefix}${tail}"`,
  );
  return JSON.parse(text) as StixObject[];
}
