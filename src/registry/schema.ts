import { type Static, Type } from '@sinclair/typebox';

/** Schemas of the registry (contracts §2). Types are inferred from them; ajv validates against them. */

export const PartyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3 code' });
export const LevelId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,32}$',
  description: 'a stable ASCII level id',
});
export const IsoDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'a calendar date YYYY-MM-DD',
});

export const LocalisedName = Type.Object(
  { en: Type.String({ minLength: 1 }), ko: Type.String({ minLength: 1 }), ja: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const Level = Type.Object(
  {
    id: LevelId,
    rank: Type.Integer({ minimum: 0 }),
    native: Type.String({ minLength: 1 }),
    romanised: Type.String({ minLength: 1 }),
    en: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type Level = Static<typeof Level>;

export const Designation = Type.Object(
  {
    id: LevelId,
    native: Type.String({ minLength: 1 }),
    romanised: Type.String({ minLength: 1 }),
    en: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type Designation = Static<typeof Designation>;

export const Party = Type.Object(
  {
    code: PartyCode,
    name: LocalisedName,
    designations: Type.Array(Designation),
    levels: Type.Array(Level, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Party = Static<typeof Party>;

export const AgreementEventType = Type.Union([
  Type.Literal('entry-into-force'),
  Type.Literal('termination-notice'),
  Type.Literal('notice-suspended'),
  Type.Literal('notice-withdrawn'),
  Type.Literal('terminated'),
  Type.Literal('dispute-opened'),
  Type.Literal('dispute-closed'),
]);
export type AgreementEventType = Static<typeof AgreementEventType>;

export const AgreementEvent = Type.Object(
  {
    type: AgreementEventType,
    date: IsoDate,
    by: Type.Optional(PartyCode),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type AgreementEvent = Static<typeof AgreementEvent>;

export const TableRow = Type.Object(
  {
    tier: Type.String({ pattern: '^[A-Z]{1,8}$', description: 'a global tier id such as TS, S, C' }),
    levels: Type.Record(PartyCode, Type.Array(LevelId, { minItems: 1 })),
  },
  { additionalProperties: false },
);
export type TableRow = Static<typeof TableRow>;

export const Agreement = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    title: Type.String({ minLength: 1 }),
    parties: Type.Array(PartyCode, { minItems: 2, uniqueItems: true }),
    kind: Type.Union([Type.Literal('bilateral'), Type.Literal('relay')]),
    hub: Type.Union([PartyCode, Type.Null()]),
    scopeTopics: Type.Union([Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), Type.Null()]),
    contractorsAllowed: Type.Boolean(),
    termYears: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    noticeDays: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    timeZone: Type.String({ minLength: 1 }),
    table: Type.Array(TableRow),
    events: Type.Array(AgreementEvent),
  },
  { additionalProperties: false },
);
export type Agreement = Static<typeof Agreement>;

export const Registry = Type.Object(
  { parties: Type.Array(Party, { minItems: 1 }), agreements: Type.Array(Agreement) },
  { additionalProperties: false },
);
export type Registry = Static<typeof Registry>;

/**
 * In requests and labels a party or level is any short string: a code the registry does not know is a
 * deny with UNKNOWN_PARTY / UNKNOWN_LEVEL (contracts §4), not a malformed request.
 */
export const PartyRef = Type.String({ minLength: 1, maxLength: 16 });
export const LevelRef = Type.String({ minLength: 1, maxLength: 32 });
