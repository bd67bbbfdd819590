import { type Static, Type } from '@sinclair/typebox';
import { compromiseStatuses } from '../../store/index.js';
import { documented } from '../openapi.js';
import { EXAMPLE_AT, EXAMPLE_ITEM_ID, EXAMPLE_MARKING } from './shared-schemas.js';

/** Custody of an item (copies, translations, destruction), reclassification and compromise reports. */

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

export const ReceivedCompromises = documented(
  Type.Object({ reports: Type.Array(Type.Unknown()) }, { additionalProperties: true }),
  "partners' compromise reports about this node's items",
  { reports: [] },
);
