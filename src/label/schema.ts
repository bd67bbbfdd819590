import { type Static, Type } from '@sinclair/typebox';
import { LevelRef as LevelId, PartyRef as PartyCode } from '../registry/schema.js';

/** A consent record (contracts §3): exactly one of `to`, `actions`, `purpose`. */
export const ConsentAction = Type.Union([
  Type.Literal('copy'),
  Type.Literal('translate'),
  Type.Literal('print'),
  Type.Literal('export'),
]);
export type ConsentAction = Static<typeof ConsentAction>;

export const Consent = Type.Object(
  {
    to: Type.Optional(PartyCode),
    actions: Type.Optional(Type.Array(ConsentAction, { minItems: 1 })),
    purpose: Type.Optional(Type.String({ minLength: 1 })),
    by: PartyCode,
    at: Type.String({ format: 'date-time' }),
    ref: Type.Optional(Type.String()),
    holder: Type.Optional(PartyCode),
    expires: Type.Optional(Type.String({ format: 'date-time' })),
    revoked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Consent = Static<typeof Consent>;

export const Caveat = Type.Union([Type.Literal('ORCON'), Type.Literal('NOFORN')]);
export type Caveat = Static<typeof Caveat>;

const CategoryValues = Type.Record(Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 })));

/** The originator's label (contracts §3, R5): STANAG 4774's model in relto's JSON form. */
export const Label = Type.Object(
  {
    originator: PartyCode,
    classification: LevelId,
    releasableTo: Type.Optional(Type.Array(PartyCode)),
    restrictive: Type.Optional(CategoryValues),
    informative: Type.Optional(CategoryValues),
    caveats: Type.Optional(Type.Array(Caveat)),
    topics: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    purpose: Type.Optional(Type.String()),
    consents: Type.Optional(Type.Array(Consent)),
  },
  { additionalProperties: false },
);
export type Label = Static<typeof Label>;
