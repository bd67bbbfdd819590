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
    rootHash: Type.String({ description: 'lowercase hex SHA-256 Merkle root (RFC 9162)' }),
    timestamp: Type.String(),
    signature: Type.String({ description: 'base64 Ed25519 signature over the head' }),
    origin: Type.String({ description: "the log's owner, the node's party (signed with the head)" }),
    publicKey: Type.Object(
      { kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String() },
      { description: 'the Ed25519 public key the head verifies with (JWK)' },
    ),
  }),
  "the audit log's signed tree head and the key it verifies with",
  {
    treeSize: 1042,
    rootHash: '9f4c2d1e6a0b7c3d8e5f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7',
    timestamp: EXAMPLE_AT,
    signature: 'c2lnbmF0dXJlIG9mIHRoZSB0cmVlIGhlYWQ=',
    origin: 'KOR',
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
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
