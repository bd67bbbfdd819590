import { randomUUID } from 'node:crypto';
import { ReltoClient } from '../../../src/client/index.js';
import type { Label } from '../../../src/label/index.js';
import { labelToMarking, partyIdentityId, withPortions } from '../../../src/stix/index.js';
import type { DemoNode, PersonName } from './demo-group.js';

/*
 * Reports posted through a KOR node's API (as `relto client` would), for the tests that need content the
 * browser did not write: hostile text, and SECRET paragraphs whose words must never reach `analyst-low`.
 * KOR's CONFIDENTIAL-tier level is III, its SECRET-tier level II (registry.builtin.json).
 */

const KOR = partyIdentityId('KOR');
const LOW: Label = { originator: 'KOR', classification: 'III', topics: ['DPRK-MISSILE'] };
const SECRET: Label = { originator: 'KOR', classification: 'II', topics: ['DPRK-MISSILE'] };
const LOW_MARKING = labelToMarking(LOW) as unknown as Record<string, unknown> & { id: string };
/** KOR's CONFIDENTIAL-tier level, releasable to Japan (covered by the Korea–Japan table: 秘). */
const LOW_TO_JPN: Label = { ...LOW, releasableTo: ['JPN', 'KOR'] };
const LOW_TO_JPN_MARKING = labelToMarking(LOW_TO_JPN) as unknown as Record<string, unknown> & { id: string };
const SECRET_MARKING = labelToMarking(SECRET) as unknown as Record<string, unknown> & { id: string };

type Stix = Record<string, unknown> & { id: string };

function report(name: string, floor: string, extra: Record<string, unknown> = {}): Stix {
  const at = new Date().toISOString();
  return {
    type: 'report',
    spec_version: '2.1',
    id: `report--${randomUUID()}`,
    created: at,
    modified: at,
    created_by_ref: KOR,
    name,
    published: at,
    object_refs: [KOR],
    object_marking_refs: [floor],
    ...extra,
  };
}

/** Posts objects (with the KOR labels they may use) as a person of a KOR node. */
export async function postAs(node: DemoNode, person: PersonName, objects: Stix[]): Promise<void> {
  const client = new ReltoClient({ node: node.http, user: person, password: node.password(person) });
  await client.signIn();
  try {
    await client.post({
      type: 'bundle',
      id: `bundle--${randomUUID()}`,
      objects: [LOW_MARKING, SECRET_MARKING, LOW_TO_JPN_MARKING, ...objects],
    });
  } finally {
    await client.signOut();
  }
}

/** The hostile strings a report's text may carry; each must show as text and never run. */
export const HOSTILE = {
  script: '<script>window.__pwned = "script"</script>',
  img: '<img src=x onerror="window.__pwned = \'img\'">',
  link: '<a href="javascript:window.__pwned=\'link\'">open the annex</a>',
  /** RIGHT-TO-LEFT OVERRIDE: would make "exe.txt" read as "txt.exe". */
  rlo: 'attachment \u202Etxt.exe',
};

/** A CONFIDENTIAL-tier report whose title and paragraphs are hostile markup, found by `marker`. */
export function hostileReport(marker: string): Stix {
  return withPortions(
    report(`${marker} ${HOSTILE.script}`, LOW_MARKING.id, {
      description: `${marker} ${HOSTILE.img}`,
    }),
    [
      { text: `${marker} ${HOSTILE.img}` },
      { text: `${marker} ${HOSTILE.link}` },
      { text: `${marker} ${HOSTILE.rlo}` },
    ],
  );
}

/**
 * For the leak test: a CONFIDENTIAL-tier report with one SECRET paragraph, and a report SECRET as a whole.
 * Every SECRET text carries `secret`; the CONFIDENTIAL text carries `low` (which `analyst-low` must see, or the
 * test would prove nothing).
 */
export function leakReports(low: string, secret: string): { mixed: Stix; whole: Stix } {
  const mixed = withPortions(report(`Harbour survey ${low}`, LOW_MARKING.id), [
    { text: `Vessels moved at dawn ${low}.` },
    { text: `The source inside the shipyard is ${secret}.`, marking: SECRET_MARKING.id },
  ]);
  const whole = report(`Launch order ${secret}`, SECRET_MARKING.id, {
    description: `Whole-report text ${secret}`,
  });
  return { mixed, whole };
}

/**
 * For the release flow: a CONFIDENTIAL-tier report releasable to Japan, with one SECRET paragraph for Korea
 * only (withheld from what Japan receives).
 */
export function releasableReport(marker: string): Stix {
  return withPortions(report(`Harbour survey ${marker}`, LOW_TO_JPN_MARKING.id), [
    { text: `Vessels moved at dawn ${marker}.` },
    { text: `Korea only: the shipyard source ${marker}.`, marking: SECRET_MARKING.id },
  ]);
}
