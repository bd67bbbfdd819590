import { Type } from '@sinclair/typebox';
import { DecisionRequest } from '../../policy/schema.js';
import { documented } from '../openapi.js';
import { EXAMPLE_AT, EXAMPLE_ITEM_ID } from './shared-schemas.js';

/** A decision asked of the node for the signed-in person, and the audit log: head, entries, proofs. */

/**
 * A decision request (contracts §4); `principal` may be present but is ignored: the node answers for the
 * signed-in person (contracts §5, `relto client decide`).
 */
export const DecideBody = Type.Object(
  {
    ...Type.Omit(DecisionRequest, ['principal']).properties,
    principal: Type.Optional(Type.Unknown({ description: 'ignored: the signed-in person is the principal' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        at: EXAMPLE_AT,
        action: 'read',
        item: {
          label: { originator: 'KOR', classification: 'II', releasableTo: ['KOR', 'JPN'] },
          holder: 'KOR',
        },
      },
    ],
  },
);

export const DecideAnswer = documented(
  Type.Object({
    decision: Type.Union([Type.Literal('permit'), Type.Literal('deny')]),
    reasons: Type.Array(
      Type.Object({
        code: Type.String(),
        rule: Type.String({ description: 'the number of the agreement rule, for reference' }),
        message: Type.String(),
      }),
    ),
    obligations: Type.Array(Type.Object({}, { additionalProperties: true })),
  }),
  'permit or deny, the reasons of a deny, and what a permit obliges',
  {
    decision: 'deny',
    reasons: [
      { code: 'CLEARANCE_TOO_LOW', rule: 'R10', message: "the person's clearance is below the item's level" },
    ],
    obligations: [],
  },
);

export const AuditHead = documented(
  Type.Object({
    treeSize: Type.Integer(),
    rootHash: Type.String(),
    timestamp: Type.String(),
    signature: Type.String(),
  }),
  "the audit log's signed tree head",
  {
    treeSize: 1042,
    rootHash: 'q0mV3cXx2b0tQ0gk8N3hN4nGm5p2V8o5m2cQeJ1bZ3A',
    timestamp: EXAMPLE_AT,
    signature: 'eyJhbGciOiJFZERTQSJ9..c2lnbmF0dXJl',
  },
);

export const AuditRangeQuery = Type.Object({
  from: Type.Integer({ minimum: 0 }),
  to: Type.Integer({ minimum: 0 }),
});

export const AuditEntries = documented(
  Type.Object({
    entries: Type.Array(Type.Object({ index: Type.Integer(), entry: Type.Unknown() })),
  }),
  'the audit entries of the range',
  {
    entries: [
      {
        index: 7,
        entry: {
          kind: 'decision',
          at: EXAMPLE_AT,
          actor: 'analyst',
          subjects: [EXAMPLE_ITEM_ID],
          details: {},
        },
      },
    ],
  },
);

export const InclusionQuery = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  treeSize: Type.Integer({ minimum: 1 }),
});

export const InclusionProof = documented(
  Type.Object({ leafHash: Type.String(), proof: Type.Array(Type.String()) }),
  "the entry's leaf hash and the hashes that lead to the root",
  { leafHash: 'Zm9vYmFyYmF6', proof: ['YWJjZGVm', 'Z2hpamts'] },
);
export const ConsistencyProof = documented(
  Type.Object({ proof: Type.Array(Type.String()) }),
  'the hashes that show the smaller tree is the start of the larger one',
  { proof: ['YWJjZGVm', 'Z2hpamts'] },
);
