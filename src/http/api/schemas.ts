import { type Static, Type } from '@sinclair/typebox';
import { Action, DecisionRequest } from '../../policy/schema.js';
import { compromiseStatuses } from '../../store/index.js';
import { documented, errorAnswers } from '../openapi.js';

/**
 * The node's own JSON API: one schema per body, query and answer. Its own keys are camelCase
 * (`expiresAt`, `itemId`, `treeSize`); the STIX objects it carries keep STIX's snake_case.
 */

export const ApiError = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'a stable code (the list is in the README)' }),
    message: Type.String({ description: 'what went wrong, in words' }),
    path: Type.String({ description: 'JSON Pointer into the offending input' }),
    details: Type.Optional(Type.Unknown()),
  }),
});

/** The error answers of the given statuses, each with its description and an example envelope. */
export function apiErrors(...statuses: number[]): Record<number, typeof ApiError> {
  return errorAnswers(ApiError, (code, message) => ({ error: { code, message, path: '' } }), statuses);
}

/** Examples /docs shows: a Korean report readable by Korea and Japan, and its label. */
const EXAMPLE_LABEL_ID = 'marking-definition--b94c9a00-2faa-5670-804b-60376142c16b';
const EXAMPLE_KOR = 'identity--707b02ff-b74d-5180-a7fa-c191e827b70c';
export const EXAMPLE_MARKING = {
  type: 'marking-definition',
  spec_version: '2.1',
  id: EXAMPLE_LABEL_ID,
  created: '2026-01-01T00:00:00.000Z',
  created_by_ref: EXAMPLE_KOR,
  extensions: {
    'extension-definition--75bce083-7fed-4d2c-9812-176dc807b829': {
      extension_type: 'property-extension',
      originator: 'KOR',
      classification: 'II',
      releasable_to: ['JPN', 'KOR'],
      topics: ['DPRK-MISSILE'],
    },
  },
};
const EXAMPLE_ITEM_ID = 'report--0f8d3c1e-6a57-4b8e-9a51-2f4c7d9e1b20';
const EXAMPLE_REPORT = {
  type: 'report',
  spec_version: '2.1',
  id: EXAMPLE_ITEM_ID,
  created: '2026-03-02T01:20:00.000Z',
  modified: '2026-03-02T01:20:00.000Z',
  created_by_ref: EXAMPLE_KOR,
  name: 'Launch assessment',
  published: '2026-03-02T01:20:00.000Z',
  object_refs: [EXAMPLE_KOR],
  object_marking_refs: [EXAMPLE_LABEL_ID],
};
const EXAMPLE_AT = '2026-03-02T01:25:00.000Z';

const StixObject = Type.Object(
  { id: Type.String(), type: Type.String() },
  { additionalProperties: true, description: 'a STIX 2.1 object as the signed-in person may read it' },
);

export const Token = documented(
  Type.Object({ token: Type.String(), expiresAt: Type.String() }),
  'a bearer token and when it expires',
  { token: 'rt_4q0Jx5oW2cVv3N7kJ9sTfA', expiresAt: '2026-03-02T09:25:00.000Z' },
);

export const Me = documented(
  Type.Object({
    name: Type.String(),
    party: Type.String(),
    clearance: Type.String(),
    roles: Type.Array(Type.String()),
    designations: Type.Optional(Type.Array(Type.String())),
  }),
  'the signed-in person',
  { name: 'analyst', party: 'KOR', clearance: 'II', roles: ['analyst'] },
);

/** The body of a POST that needs none: it may be left out, or be `{}`. */
export const EmptyBody = Type.Object(
  {},
  { additionalProperties: false, description: 'no body is needed', examples: [{}] },
);

/** A STIX 2.1 bundle: its objects keep their own (custom) properties; the bundle has only its own. */
export const Bundle = Type.Object(
  {
    type: Type.Optional(Type.Literal('bundle')),
    id: Type.Optional(Type.String({ pattern: '^bundle--' })),
    spec_version: Type.Optional(Type.String({ description: 'as STIX 2.0 bundles carried it' })),
    objects: Type.Array(Type.Unknown()),
  },
  {
    additionalProperties: false,
    description: 'a STIX 2.1 bundle (only its objects are used)',
    examples: [
      {
        type: 'bundle',
        id: 'bundle--5d0b7c2a-8e43-4f0e-b1a6-3c9e2d7f4a11',
        objects: [EXAMPLE_MARKING, EXAMPLE_REPORT],
      },
    ],
  },
);
export type Bundle = Static<typeof Bundle>;

const Detail = Type.Object({
  id: Type.String(),
  version: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const PostResult = documented(
  Type.Object({
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
  }),
  'what was stored: every object is a success, or none is',
  {
    statusId: '3b8f0c5e-2d41-4f6a-9e7b-1c2d3e4f5a6b',
    status: 'complete',
    requestTimestamp: EXAMPLE_AT,
    totalCount: 2,
    successCount: 2,
    successes: [{ id: EXAMPLE_LABEL_ID }, { id: EXAMPLE_ITEM_ID, version: '2026-03-02T01:20:00.000Z' }],
    failureCount: 0,
    failures: [],
    pendingCount: 0,
    pendings: [],
  },
);

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

export const ItemsPage = documented(
  Type.Object({
    items: Type.Array(StixObject),
    markings: Type.Array(StixObject),
    banners: Type.Record(Type.String(), Type.String(), {
      description: "each item's banner (by item id) in the reader's language and classification names",
    }),
    more: Type.Boolean(),
    next: Type.Optional(Type.String()),
  }),
  'a page of items, redacted for the reader, with the labels they use',
  {
    items: [EXAMPLE_REPORT],
    markings: [EXAMPLE_MARKING],
    banners: { [EXAMPLE_ITEM_ID]: '군사II급비밀 // 제공 가능: 대한민국, 일본국 // 주제: 북한 미사일' },
    more: false,
  },
);

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

export const ItemAnswer = documented(
  Type.Object({
    /** The latest version the person may read (or the versions asked for, newest last). */
    item: StixObject,
    versions: Type.Array(StixObject),
    markings: Type.Array(StixObject),
    label: Type.Optional(ReaderLabel),
  }),
  "the item as the reader may read it, its labels, and its label rendered for the reader (here Japan's analyst)",
  {
    item: EXAMPLE_REPORT,
    versions: [EXAMPLE_REPORT],
    markings: [EXAMPLE_MARKING],
    label: {
      lang: 'ja',
      banner: '極秘 〔大韓民国：군사II급비밀〕 // 提供可能：大韓民国、日本国 // 主題：北朝鮮のミサイル',
      lines: [
        {
          lang: 'ja',
          reader: 'JPN',
          own: false,
          originator: { code: 'KOR', name: '大韓民国' },
          classification: {
            party: 'JPN',
            partyName: '日本国',
            level: 'GOKUHI',
            native: '極秘',
            romanised: 'gokuhi',
            gloss: 'top-grade secret',
          },
          original: {
            party: 'KOR',
            partyName: '大韓民国',
            level: 'II',
            native: '군사II급비밀',
            romanised: 'gunsa 2-geup bimil',
            gloss: 'military secret class II',
          },
          equivalence: {
            covered: true,
            agreement: 'KOR-JPN-GSOMIA',
            leg: 'KOR-JPN-GSOMIA',
            text: 'KOR-JPN-GSOMIAに基づく相当区分',
          },
          releasableTo: [
            { code: 'KOR', name: '大韓民国' },
            { code: 'JPN', name: '日本国' },
          ],
          originatorOnly: false,
          caveats: [],
          designations: [],
          restrictive: [],
          informative: [],
          topics: [{ id: 'DPRK-MISSILE', text: '北朝鮮のミサイル' }],
          banner: '極秘 〔大韓民国：군사II급비밀〕 // 提供可能：大韓民国、日本国 // 主題：北朝鮮のミサイル',
        },
      ],
    },
  },
);

export const VersionList = documented(
  Type.Object({
    versions: Type.Array(Type.String()),
    more: Type.Boolean(),
    next: Type.Optional(Type.String()),
  }),
  'the versions (modified times) the reader may see, oldest first',
  { versions: ['2026-03-02T01:20:00.000Z', '2026-03-03T08:00:00.000Z'], more: false },
);

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
  {
    additionalProperties: false,
    examples: [{ text: 'launch', originators: ['KOR'], topics: ['DPRK-MISSILE'], limit: 20 }],
  },
);

export const SearchAnswer = documented(
  Type.Object({
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
  }),
  'the matches the reader may read, best first, and how many there are',
  {
    total: 1,
    hits: [
      {
        id: EXAMPLE_ITEM_ID,
        type: 'report',
        name: 'Launch assessment',
        originator: 'KOR',
        modified: '2026-03-02T01:20:00.000Z',
      },
    ],
  },
);

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
  {
    details: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'anything to keep with the record' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'optional: the body may be left out',
    examples: [{ details: { reason: 'briefing for the watch officer' } }],
  },
);

const CustodyRecordShape = Type.Object({
  seq: Type.Integer(),
  itemId: Type.String(),
  kind: Type.String(),
  copyNumber: Type.Union([Type.Integer(), Type.Null()]),
  by: Type.String(),
  at: Type.String(),
  details: Type.Object({}, { additionalProperties: true }),
});
const EXAMPLE_CUSTODY = {
  seq: 12,
  itemId: EXAMPLE_ITEM_ID,
  kind: 'copy',
  copyNumber: 1,
  by: 'analyst',
  at: EXAMPLE_AT,
  details: {},
};

export const CustodyRecord = documented(CustodyRecordShape, 'the custody record made', EXAMPLE_CUSTODY);

export const CustodyList = documented(
  Type.Object({ records: Type.Array(CustodyRecordShape) }),
  "the item's custody records, oldest first",
  { records: [EXAMPLE_CUSTODY] },
);

/** The new label as STIX carries it: a relto label marking-definition, in its normal form. */
export const ReclassifyBody = Type.Object(
  {
    marking: Type.Object(
      { type: Type.Literal('marking-definition'), id: Type.String() },
      {
        additionalProperties: true,
        description:
          'the new label as a marking-definition with the relto label extension (as the item carries it)',
      },
    ),
  },
  { additionalProperties: false, examples: [{ marking: EXAMPLE_MARKING }] },
);

const Deadlines = Type.Record(Type.String({ minLength: 1 }), Type.String({ format: 'date-time' }));

export const CompromiseBody = Type.Object(
  {
    items: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    description: Type.Optional(Type.String()),
    deadlines: Type.Optional(Deadlines),
  },
  {
    additionalProperties: false,
    examples: [
      {
        items: [EXAMPLE_ITEM_ID],
        description: 'a printed copy was left in a meeting room',
        deadlines: { findings: '2026-03-16T00:00:00.000Z' },
      },
    ],
  },
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
  { additionalProperties: false, examples: [{ to: 'investigating', note: 'the room log is being checked' }] },
);

export const CompromiseParams = Type.Object({ id: Type.String({ minLength: 1 }) });

const CompromiseShape = Type.Object({
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
const EXAMPLE_COMPROMISE = {
  id: 'compromise--8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  items: [EXAMPLE_ITEM_ID],
  reportedBy: 'security',
  reportedAt: EXAMPLE_AT,
  originator: 'KOR',
  status: 'reported',
  deadlines: { findings: '2026-03-16T00:00:00.000Z' },
  description: 'a printed copy was left in a meeting room',
  findings: null,
  measures: null,
  history: [{ at: EXAMPLE_AT, by: 'security', status: 'reported' }],
  updatedAt: EXAMPLE_AT,
};

export const Compromise = documented(CompromiseShape, 'the compromise report', EXAMPLE_COMPROMISE);

export const CompromiseList = documented(
  Type.Object({ reports: Type.Array(CompromiseShape) }),
  'the compromise reports this person may see',
  { reports: [EXAMPLE_COMPROMISE] },
);

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
export const ReceivedCompromises = documented(
  Type.Object({ reports: Type.Array(Type.Unknown()) }, { additionalProperties: true }),
  "partners' compromise reports about this node's items",
  { reports: [] },
);
export const RequestParams = Type.Object({ id: Type.String({ minLength: 1 }) });

export const NoContent = Type.Null({ description: 'done; nothing to answer' });
