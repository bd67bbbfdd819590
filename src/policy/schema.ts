import { type Static, Type } from '@sinclair/typebox';
import type { ReasonCode } from '../errors/index.js';
import { Label } from '../label/schema.js';
import { LevelRef as LevelId, PartyRef as PartyCode } from '../registry/schema.js';

/** Decision request and answer (contracts §4). */

export const Role = Type.Union([
  Type.Literal('analyst'),
  Type.Literal('releasing-officer'),
  Type.Literal('security-officer'),
  Type.Literal('watch-officer'),
  Type.Literal('admin'),
]);
export type Role = Static<typeof Role>;

export const Action = Type.Union([
  Type.Literal('read'),
  Type.Literal('copy'),
  Type.Literal('translate'),
  Type.Literal('print'),
  Type.Literal('export'),
  Type.Literal('destroy'),
  Type.Literal('release'),
  Type.Literal('report-compromise'),
]);
export type Action = Static<typeof Action>;

export const Principal = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    party: PartyCode,
    clearance: LevelId,
    designations: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    restrictive: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.Array(Type.String()))),
    roles: Type.Array(Role),
    official: Type.Boolean(),
    contractor: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type Principal = Static<typeof Principal>;

export const DecisionRequest = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    principal: Principal,
    action: Action,
    item: Type.Object(
      {
        label: Label,
        holder: Type.Optional(PartyCode),
        receivedUnder: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    release: Type.Optional(
      Type.Object(
        { to: PartyCode, under: Type.Optional(Type.String({ minLength: 1 })) },
        { additionalProperties: false },
      ),
    ),
    purpose: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DecisionRequest = Static<typeof DecisionRequest>;

export interface Reason {
  code: ReasonCode;
  rule: string;
  message: string;
}

export interface MarkObligation {
  type: 'mark';
  originator: string;
  classification: { party: string; level: string };
}

export type Obligation = MarkObligation;

export interface Answer {
  decision: 'permit' | 'deny';
  reasons: Reason[];
  obligations: Obligation[];
}
