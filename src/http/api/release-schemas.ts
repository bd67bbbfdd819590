import { Type } from '@sinclair/typebox';
import { Action } from '../../policy/schema.js';
import { documented } from '../openapi.js';
import { DecideAnswer } from './audit-schemas.js';
import { EXAMPLE_AT, EXAMPLE_ITEM_ID } from './shared-schemas.js';

/** Release and consent (the client commands `release`, `approve`, `request-consent`, `consent`). */
export const ReleaseBody = Type.Object(
  {
    item: Type.Optional(Type.String()),
    /** Several items in one request: one decision each, one message (the batch form). */
    items: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 100_000 })),
    to: Type.String({ description: 'the receiving party' }),
    under: Type.Optional(
      Type.String({
        description: 'the agreement to release under (default: the two parties’ bilateral one)',
      }),
    ),
    note: Type.Optional(
      Type.String({ maxLength: 4000, description: 'why it is asked, for the releasing officer' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ item: 'report--0f6ab1a5-4d6c-4b8e-9a57-8d2f2f1b9c11', to: 'JPN' }],
  },
);

/** Approving takes nothing else: no body, or `{}` (an empty body reaches the route as `{}`). */
export const ApproveBody = Type.Object({}, { additionalProperties: false, examples: [{}] });

export const RefuseBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 4000, description: 'why, for the person who filed it' })) },
  { additionalProperties: false, examples: [{ note: 'the partner asked for the summary only' }] },
);

const ReleaseStatus = Type.Union(
  ['pending', 'delivered', 'refused', 'denied'].map((s) => Type.Literal(s)),
  {
    description:
      'pending: filed, or approved and on its way; delivered: the partner receipted every item; refused: by a ' +
      'releasing officer here, or by the partner (refusal says why); denied: the rules did not permit it',
  },
);

const requestExample = {
  id: 'release-request--5b0c3f0e-8a57-4a36-a1d4-3c6f1e7b2a90',
  item: 'report--0f6ab1a5-4d6c-4b8e-9a57-8d2f2f1b9c11',
  to: 'JPN',
  by: 'analyst',
  at: '2026-03-01T09:00:00.000Z',
  status: 'refused',
  refusal: { by: 'officer', party: 'KOR', at: '2026-03-01T09:05:00.000Z', note: 'summary only' },
};

export const ReleaseRequest = Type.Object(
  {
    id: Type.String(),
    item: Type.String(),
    items: Type.Optional(Type.Array(Type.String())),
    deniedItem: Type.Optional(Type.String()),
    to: Type.String(),
    under: Type.Optional(Type.String()),
    note: Type.Optional(Type.String({ description: 'why it was asked' })),
    by: Type.String({ description: 'who filed it' }),
    at: Type.String(),
    status: ReleaseStatus,
    approvedBy: Type.Optional(Type.String()),
    approvedAt: Type.Optional(Type.String()),
    deliveredAt: Type.Optional(Type.String()),
    refusal: Type.Optional(
      Type.Object({
        by: Type.String({ description: 'the releasing officer, or node:PARTY for the receiving node' }),
        party: Type.String(),
        at: Type.String(),
        note: Type.Optional(Type.String()),
        code: Type.Optional(Type.String({ description: "the partner's reason code" })),
        reason: Type.Optional(Type.String()),
        items: Type.Optional(Type.Array(Type.Object({ id: Type.String(), code: Type.String() }))),
      }),
    ),
    decision: Type.Optional(DecideAnswer),
    message: Type.Optional(Type.String({ description: 'the id of the message that carries it' })),
  },
  { description: 'the release request and its state', examples: [requestExample] },
);

export const ReleaseRequests = Type.Object(
  { requests: Type.Array(ReleaseRequest) },
  { description: 'the release requests of this node', examples: [{ requests: [requestExample] }] },
);

export const ConsentRequestBody = Type.Object(
  {
    item: Type.String(),
    to: Type.Optional(Type.String()),
    purpose: Type.Optional(Type.String()),
    actions: Type.Optional(Type.Array(Action)),
  },
  { additionalProperties: false, examples: [{ item: EXAMPLE_ITEM_ID, to: 'USA' }] },
);
export const ConsentAnswerBody = Type.Object(
  { refuse: Type.Optional(Type.Boolean()) },
  {
    additionalProperties: false,
    description: '`{}` grants the consent, `{"refuse": true}` refuses it',
    examples: [{}, { refuse: true }],
  },
);

/*
 * The exchange's consent answers are typed by the exchange itself (its service returns them as it stores
 * them): these schemas document them and keep every property they hold (`additionalProperties`), so
 * serialising through them never drops one.
 */
const EXAMPLE_CONSENT_REQUEST = {
  type: 'relto-consent-request',
  id: 'consent-request--7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a',
  item: EXAMPLE_ITEM_ID,
  by: 'JPN',
  at: EXAMPLE_AT,
  to: 'USA',
};
const EXAMPLE_CONSENT = { status: 'pending', ...EXAMPLE_CONSENT_REQUEST };
export const ConsentRequest = documented(
  Type.Unsafe<unknown>(Type.Object({}, { additionalProperties: true })),
  'the consent request and its state',
  { id: EXAMPLE_CONSENT_REQUEST.id, status: 'pending', request: EXAMPLE_CONSENT_REQUEST },
);
export const ConsentRequests = documented(
  Type.Unsafe<unknown>(
    Type.Object(
      { incoming: Type.Array(Type.Unknown()), outgoing: Type.Array(Type.Unknown()) },
      { additionalProperties: true },
    ),
  ),
  "consent requests asked of this node's party (incoming) and by it (outgoing)",
  { incoming: [], outgoing: [EXAMPLE_CONSENT] },
);
