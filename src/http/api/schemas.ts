import { type Static, Type } from '@sinclair/typebox';
import { Action, DecisionRequest } from '../../policy/schema.js';
import { compromiseStatuses } from '../../store/store.js';

/** The node's own JSON API (camelCase keys): one schema per body, query and answer. */

export const ApiError = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    path: Type.String({ description: 'JSON Pointer into the offending input' }),
    details: Type.Optional(Type.Unknown()),
  }),
});

const StixObject = Type.Object(
  { id: Type.String(), type: Type.String() },
  { additionalProperties: true, description: 'a STIX 2.1 object as the signed-in person may read it' },
);

export const Token = Type.Object({ token: Type.String(), expiresAt: Type.String() });

export const Me = Type.Object({
  name: Type.String(),
  party: Type.String(),
  clearance: Type.String(),
  roles: Type.Array(Type.String()),
  designations: Type.Optional(Type.Array(Type.String())),
});

/** A STIX 2.1 bundle: its objects keep their own (custom) properties; the bundle has only its own. */
export const Bundle = Type.Object(
  {
    type: Type.Optional(Type.Literal('bundle')),
    id: Type.Optional(Type.String({ pattern: '^bundle--' })),
    spec_version: Type.Optional(Type.String({ description: 'as STIX 2.0 bundles carried it' })),
    objects: Type.Array(Type.Unknown()),
  },
  { additionalProperties: false, description: 'a STIX 2.1 bundle (only its objects are used)' },
);
export type Bundle = Static<typeof Bundle>;

const Detail = Type.Object({
  id: Type.String(),
  version: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const PostResult = Type.Object({
  statusId: Type.String(),
  status: Type.String(),
  requestTimestamp: Type.String(),
  totalCount: Type.Integer(),
  successCount: Type.Integer(),
  successes: Type.Array(Detail),
  failureCount: Type.Integer(),
  failures: Type.Array(Detail),
  pendingCount: Type.Integer(),
  pendings: Type.Array(Detail),
});

/** `?lang=ko|ja|en`: the language of rendered labels; wins over Accept-Language. */
const LangQuery = Type.String({
  minLength: 1,
  description:
    'ko, ja or en: the language of the rendered label. Wins over Accept-Language; without either, the ' +
    "language of the reader's nation. Any other value is refused (UNSUPPORTED_LANGUAGE).",
});

export const ItemsQuery = Type.Object({
  lang: Type.Optional(LangQuery),
  type: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  id: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  addedAfter: Type.Optional(Type.String({ format: 'date-time' })),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  next: Type.Optional(Type.String()),
});
export type ItemsQuery = Static<typeof ItemsQuery>;

export const ItemsPage = Type.Object({
  items: Type.Array(StixObject),
  markings: Type.Array(StixObject),
  banners: Type.Record(Type.String(), Type.String(), {
    description: "each item's banner (by item id) in the reader's language and classification names",
  }),
  more: Type.Boolean(),
  next: Type.Optional(Type.String()),
});

export const ItemParams = Type.Object({ id: Type.String({ minLength: 1 }) });

export const ItemQuery = Type.Object({
  lang: Type.Optional(LangQuery),
  version: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'last (default), first, all, or a timestamp' }),
  ),
});

const RenderedLevel = Type.Object({
  party: Type.String(),
  partyName: Type.String(),
  level: Type.String(),
  native: Type.String(),
  romanised: Type.String(),
  gloss: Type.String(),
});
const RenderedParty = Type.Object({ code: Type.String(), name: Type.String() });

/** A label as the reader sees it: their language, their nation's classification names, the original beside. */
const RenderedLine = Type.Object(
  {
    lang: Type.String(),
    reader: Type.String(),
    own: Type.Boolean(),
    originator: RenderedParty,
    classification: Type.Union([RenderedLevel, Type.Null()]),
    original: Type.Union([RenderedLevel, Type.Null()]),
    equivalence: Type.Object({}, { additionalProperties: true }),
    releasableTo: Type.Array(RenderedParty),
    originatorOnly: Type.Boolean(),
    caveats: Type.Array(Type.Object({}, { additionalProperties: true })),
    designations: Type.Array(Type.Object({}, { additionalProperties: true })),
    restrictive: Type.Array(Type.Object({}, { additionalProperties: true })),
    informative: Type.Array(Type.Object({}, { additionalProperties: true })),
    topics: Type.Array(Type.Object({}, { additionalProperties: true })),
    purpose: Type.Optional(Type.String()),
    banner: Type.String(),
  },
  { additionalProperties: true },
);

const ReaderLabel = Type.Object(
  {
    lang: Type.String({ description: 'the language the label is rendered in' }),
    banner: Type.String({
      description:
        "the banner over what the reader is shown: the reader's classification name, the originator's " +
        'beside it, Releasable To, caveats and topics (one line per originator)',
    }),
    lines: Type.Array(RenderedLine),
  },
  { description: "the item's label rendered for the signed-in person (absent for the public fixed objects)" },
);

export const ItemAnswer = Type.Object({
  /** The latest version the person may read (or the versions asked for, newest last). */
  item: StixObject,
  versions: Type.Array(StixObject),
  markings: Type.Array(StixObject),
  label: Type.Optional(ReaderLabel),
});

export const VersionList = Type.Object({
  versions: Type.Array(Type.String()),
  more: Type.Boolean(),
  next: Type.Optional(Type.String()),
});

export const SearchBody = Type.Object(
  {
    text: Type.String(),
    types: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    originators: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    level: Type.Optional(Type.String({ minLength: 1 })),
    topics: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const SearchAnswer = Type.Object({
  total: Type.Integer(),
  /** True when counting stopped at the cap: `total` is then a lower bound. */
  totalCapped: Type.Optional(Type.Boolean()),
  hits: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      name: Type.Optional(Type.String()),
      originator: Type.Union([Type.String(), Type.Null()]),
      modified: Type.Optional(Type.String()),
    }),
  ),
});

/** Custody actions a person asks for by name (R26); destruction is `DELETE /api/v1/items/{id}`. */
export const CustodyAction = Type.Union([
  Type.Literal('copy'),
  Type.Literal('translate'),
  Type.Literal('print'),
  Type.Literal('export'),
  Type.Literal('return'),
]);
export type CustodyAction = Static<typeof CustodyAction>;

export const CustodyParams = Type.Object({ id: Type.String({ minLength: 1 }), action: CustodyAction });

export const CustodyBody = Type.Object(
  { details: Type.Optional(Type.Object({}, { additionalProperties: true })) },
  { additionalProperties: false },
);

export const CustodyRecord = Type.Object({
  seq: Type.Integer(),
  itemId: Type.String(),
  kind: Type.String(),
  copyNumber: Type.Union([Type.Integer(), Type.Null()]),
  by: Type.String(),
  at: Type.String(),
  details: Type.Object({}, { additionalProperties: true }),
});

export const CustodyList = Type.Object({ records: Type.Array(CustodyRecord) });

export const ReclassifyBody = Type.Object(
  { label: Type.Unknown({ description: 'the new label (contracts §3)' }) },
  { additionalProperties: false },
);

const Deadlines = Type.Record(Type.String({ minLength: 1 }), Type.String({ format: 'date-time' }));

export const CompromiseBody = Type.Object(
  {
    items: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    description: Type.Optional(Type.String()),
    deadlines: Type.Optional(Deadlines),
  },
  { additionalProperties: false },
);

const CompromiseStatus = Type.Union(compromiseStatuses.map((s) => Type.Literal(s)));

export const CompromiseAdvanceBody = Type.Object(
  {
    to: CompromiseStatus,
    note: Type.Optional(Type.String()),
    findings: Type.Optional(Type.String()),
    measures: Type.Optional(Type.String()),
    deadlines: Type.Optional(Deadlines),
  },
  { additionalProperties: false },
);

export const CompromiseParams = Type.Object({ id: Type.String({ minLength: 1 }) });

export const Compromise = Type.Object({
  id: Type.String(),
  items: Type.Array(Type.String()),
  reportedBy: Type.String(),
  reportedAt: Type.String(),
  originator: Type.String(),
  status: CompromiseStatus,
  deadlines: Type.Record(Type.String(), Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  findings: Type.Union([Type.String(), Type.Null()]),
  measures: Type.Union([Type.String(), Type.Null()]),
  history: Type.Array(
    Type.Object({
      at: Type.String(),
      by: Type.String(),
      status: CompromiseStatus,
      note: Type.Optional(Type.String()),
    }),
  ),
  updatedAt: Type.String(),
});

export const CompromiseList = Type.Object({ reports: Type.Array(Compromise) });

/**
 * A decision request (contracts §4); `principal` may be present but is ignored: the node answers for the
 * signed-in person (contracts §5, `relto client decide`).
 */
export const DecideBody = Type.Object(
  {
    ...Type.Omit(DecisionRequest, ['principal']).properties,
    principal: Type.Optional(Type.Unknown({ description: 'ignored: the signed-in person is the principal' })),
  },
  { additionalProperties: false },
);

export const DecideAnswer = Type.Object({
  decision: Type.Union([Type.Literal('permit'), Type.Literal('deny')]),
  reasons: Type.Array(Type.Object({ code: Type.String(), rule: Type.String(), message: Type.String() })),
  obligations: Type.Array(Type.Object({}, { additionalProperties: true })),
});

export const AuditHead = Type.Object({
  treeSize: Type.Integer(),
  rootHash: Type.String(),
  timestamp: Type.String(),
  signature: Type.String(),
});

export const AuditRangeQuery = Type.Object({
  from: Type.Integer({ minimum: 0 }),
  to: Type.Integer({ minimum: 0 }),
});

export const AuditEntries = Type.Object({
  entries: Type.Array(Type.Object({ index: Type.Integer(), entry: Type.Unknown() })),
});

export const InclusionQuery = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  treeSize: Type.Integer({ minimum: 1 }),
});

export const InclusionProof = Type.Object({ leafHash: Type.String(), proof: Type.Array(Type.String()) });
export const ConsistencyProof = Type.Object({ proof: Type.Array(Type.String()) });

/** Release and consent (contracts §5 client commands). */
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
  },
  {
    additionalProperties: false,
    examples: [{ item: 'report--0f6ab1a5-4d6c-4b8e-9a57-8d2f2f1b9c11', to: 'JPN' }],
  },
);

/** A body without properties, or none at all. */
const Empty = Type.Object({}, { additionalProperties: false });

export const ApproveBody = Type.Union([Empty, Type.Null()], {
  description: 'no body, or {}: approving takes nothing else',
  examples: [{}],
});

export const RefuseBody = Type.Union(
  [
    Type.Object(
      {
        note: Type.Optional(
          Type.String({ maxLength: 4000, description: 'why, for the person who filed it' }),
        ),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ],
  { examples: [{ note: 'the partner asked for the summary only' }] },
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
  { examples: [requestExample] },
);

export const ReleaseRequests = Type.Object(
  { requests: Type.Array(ReleaseRequest) },
  { examples: [{ requests: [requestExample] }] },
);

export const ConsentRequestBody = Type.Object(
  {
    item: Type.String(),
    to: Type.Optional(Type.String()),
    purpose: Type.Optional(Type.String()),
    actions: Type.Optional(Type.Array(Action)),
  },
  { additionalProperties: false },
);
export const ConsentAnswerBody = Type.Object(
  { refuse: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const RequestParams = Type.Object({ id: Type.String({ minLength: 1 }) });

export const NoContent = Type.Null({ description: 'no content' });
