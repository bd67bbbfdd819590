import { MerkleTree, signTreeHead } from '../../audit/index.js';
import { labelToMarking } from '../../stix/index.js';
import { signBatch } from '../batch.js';
import { toKeyObject } from '../keys.js';
import type {
  AuditHead,
  CompromiseReport,
  ConsentAnswer,
  ConsentRequest,
  Message,
  MessageKind,
  Receipt,
  ReclassificationNotice,
  SignedRecord,
} from '../schema.js';
import { seededTestNode, type TestNode } from './nodes.js';
import { sampleReports } from './objects.js';

/**
 * The golden messages of src/exchange/fixtures/: one per kind, made with seeded keys (Ed25519 is
 * deterministic, so regenerating must give the committed bytes). Regenerate with
 * `RELTO_WRITE_FIXTURES=1 npx vitest run src/exchange/fixtures.test.ts`.
 */
export const FIXTURE_NODES = {
  KOR: seededTestNode('KOR'),
  JPN: seededTestNode('JPN'),
} as const;

const T0 = '2026-03-02T10:00:00.000Z';

function sign<T extends object>(node: TestNode, objects: T[]): SignedRecord[] {
  return signBatch({ party: node.party, key: node.signing.privateJwk }, objects) as SignedRecord[];
}

function envelope(
  kind: MessageKind,
  sender: string,
  recipient: string,
  records: SignedRecord[],
  extra: Partial<Message> = {},
): Message {
  return {
    sender,
    recipient,
    id: `msg-${kind}-0001`,
    time: T0,
    kind,
    under: null,
    decision: null,
    items: records.map((r) => ({ ...r, consents: [] })),
    ...extra,
  };
}

export async function buildFixtureMessages(): Promise<Record<MessageKind, Message>> {
  const { KOR, JPN } = FIXTURE_NODES;
  const label = {
    originator: 'KOR',
    classification: 'II',
    releasableTo: ['JPN', 'KOR'],
    caveats: ['ORCON' as const],
    topics: ['DPRK-MISSILE'],
  };
  const marking = labelToMarking(label);
  const reports = sampleReports(2, 'KOR', 'fixture').map(
    (r): Record<string, unknown> => ({
      ...r,
      object_marking_refs: [marking.id],
    }),
  );
  const released = sign(KOR, [marking, ...reports]);
  const reportId = String(reports[0].id);

  const release = envelope('release', 'KOR', 'JPN', released, {
    under: 'KOR-JPN-GSOMIA',
    decision: 'audit:KOR:1024',
  });

  const receipt: Receipt = {
    type: 'relto-receipt',
    by: 'JPN',
    at: '2026-03-02T10:00:01.000Z',
    message: release.id,
    items: [marking as unknown as Record<string, unknown>, ...reports].map((o) => ({
      id: String(o.id),
      version: String((o as { modified?: string }).modified ?? (o as { created: string }).created),
      status: 'stored' as const,
    })),
  };

  const request: ConsentRequest = {
    type: 'relto-consent-request',
    id: 'consent-request--6b0a7d9e-0001',
    item: reportId,
    by: 'JPN',
    at: '2026-03-02T11:00:00.000Z',
    to: 'USA',
    note: 'US forces Japan need the launch assessment for BMD coordination',
  };

  const answers: ConsentAnswer[] = [
    {
      type: 'relto-consent',
      ref: 'consent--6b0a7d9e-0001',
      item: reportId,
      by: 'KOR',
      at: '2026-03-02T12:00:00.000Z',
      to: 'USA',
      request: request.id,
      expires: '2026-09-02T12:00:00.000Z',
    },
    {
      type: 'relto-consent-refusal',
      request: 'consent-request--6b0a7d9e-0002',
      item: reportId,
      by: 'KOR',
      at: '2026-03-02T12:00:00.000Z',
      note: 'not for translation',
    },
  ];

  const compromise: CompromiseReport = {
    type: 'relto-compromise-report',
    id: 'compromise--0001',
    item: reportId,
    version: String(reports[0].modified),
    by: 'JPN',
    at: '2026-03-03T08:00:00.000Z',
    status: 'reported',
    description: 'A printed copy (copy no. 2) could not be accounted for at the end of the watch.',
  };

  const notice: ReclassificationNotice = {
    type: 'relto-reclassification',
    id: 'reclassification--0001',
    item: reportId,
    by: 'KOR',
    at: '2026-03-04T09:00:00.000Z',
    label: { ...label, classification: 'III', caveats: [] },
  };

  // KOR's audit log grew from 3 to 5 entries since JPN last saw it.
  const log = new MerkleTree();
  for (let i = 0; i < 5; i++) log.append(Buffer.from(`KOR audit entry ${i}`));
  const head = signTreeHead(
    {
      treeSize: 5,
      rootHash: log.root().toString('hex'),
      timestamp: '2026-03-04T09:00:05.000Z',
      origin: 'KOR',
    },
    toKeyObject(KOR.signing.privateJwk),
  );
  const auditHead: AuditHead = {
    type: 'relto-audit-head',
    origin: 'KOR',
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    signature: head.signature,
    consistency: { fromSize: 3, proof: log.consistencyProof(3).map((h) => h.toString('hex')) },
  };

  return {
    release,
    receipt: envelope('receipt', 'JPN', 'KOR', sign(JPN, [receipt])),
    'consent-request': envelope('consent-request', 'JPN', 'KOR', sign(JPN, [request])),
    consent: envelope('consent', 'KOR', 'JPN', sign(KOR, answers)),
    'compromise-report': envelope('compromise-report', 'JPN', 'KOR', sign(JPN, [compromise])),
    reclassification: envelope('reclassification', 'KOR', 'JPN', sign(KOR, [notice]), {
      under: 'KOR-JPN-GSOMIA',
    }),
    'audit-head': envelope('audit-head', 'KOR', 'JPN', sign(KOR, [auditHead])),
  };
}
