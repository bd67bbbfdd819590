import { Type } from '@sinclair/typebox';
import { documented } from '../openapi.js';

/** The signed-in person and their bearer token. */

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
