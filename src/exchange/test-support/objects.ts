import { RELTO_NAMESPACE, uuidv5 } from '../../canon/index.js';
import { labelToMarking, partyIdentityId } from '../../stix/index.js';

/**
 * Realistic STIX 2.1 report objects as a node releases them: a relto label marking, a report with a
 * description of about 1.5 KB, object refs, external references. Deterministic (UUIDv5 of the index).
 */
export function sampleReports(count: number, originator: string, seed = 'sample'): Record<string, unknown>[] {
  const marking = labelToMarking({
    originator,
    classification: originator === 'JPN' ? 'GOKUHI' : originator === 'USA' ? 'S' : 'II',
    releasableTo: [originator, 'JPN', 'KOR', 'USA'].filter((p, i, a) => a.indexOf(p) === i),
    topics: ['DPRK-MISSILE'],
  });
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const uuid = uuidv5(`${seed} ${originator} ${i}`, RELTO_NAMESPACE);
    out.push({
      type: 'report',
      spec_version: '2.1',
      id: `report--${uuid}`,
      created: '2026-03-01T09:00:00.000Z',
      modified: `2026-03-01T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
      created_by_ref: partyIdentityId(originator),
      name: `Launch assessment ${i}: short-range ballistic missile, east coast`,
      description: `Assessment ${i}. `.concat(
        'At 05:12 local time a short-range ballistic missile was launched from the vicinity of the east ',
        'coast, flew about 350 km on a depressed trajectory and fell outside the exclusive economic zone. ',
        'The flight profile is consistent with earlier tests of the same class; telemetry suggests a ',
        'solid-fuel motor and a manoeuvring re-entry vehicle. '.repeat(8),
      ),
      report_types: ['threat-report'],
      published: '2026-03-01T09:00:00.000Z',
      object_refs: [`indicator--${uuidv5(`${seed} ind ${i}`, RELTO_NAMESPACE)}`],
      object_marking_refs: [marking.id],
      external_references: [{ source_name: 'relto', external_id: `RPT-${originator}-${i}` }],
      labels: ['missile', 'launch'],
    });
  }
  return out;
}
