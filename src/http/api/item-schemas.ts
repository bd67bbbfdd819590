import { type Static, Type } from '@sinclair/typebox';
import { documented } from '../openapi.js';
import {
  EXAMPLE_AT,
  EXAMPLE_ITEM_ID,
  EXAMPLE_LABEL_ID,
  EXAMPLE_MARKING,
  EXAMPLE_REPORT,
  LangQuery,
  StixObject,
} from './shared-schemas.js';

/** Items: posting a bundle, listing, reading, versions and search. */

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
