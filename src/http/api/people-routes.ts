import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors, EXAMPLE_AT } from './shared-schemas.js';

const PersonShape = Type.Object({
  name: Type.String(),
  party: Type.String(),
  clearance: Type.String({ description: "a level id of the node's own scheme" }),
  roles: Type.Array(Type.String()),
  designations: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  version: Type.Integer({ description: 'moves on every change (sessions and cached credentials follow it)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const EXAMPLE_PERSON = {
  name: 'analyst',
  party: 'KOR',
  clearance: 'II',
  roles: ['analyst'],
  designations: [],
  disabled: false,
  version: 3,
  createdAt: EXAMPLE_AT,
  updatedAt: EXAMPLE_AT,
};

export const PersonRecord = documented(
  PersonShape,
  'the person as the register now holds them',
  EXAMPLE_PERSON,
);

export const PeopleList = documented(
  Type.Object({ people: Type.Array(PersonShape) }),
  "the node's people (never a password)",
  { people: [EXAMPLE_PERSON] },
);

const Role = Type.Union(
  ['analyst', 'releasing-officer', 'security-officer', 'watch-officer', 'admin'].map((r) => Type.Literal(r)),
);

export const PersonPatch = Type.Object(
  {
    clearance: Type.Optional(Type.String({ minLength: 1, description: "a level id of the node's scheme" })),
    roles: Type.Optional(Type.Array(Role, { uniqueItems: true })),
    disabled: Type.Optional(Type.Boolean({ description: 'true cuts every session of the person at once' })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ clearance: 'III' }, { roles: ['analyst', 'releasing-officer'] }, { disabled: true }],
  },
);
export type PersonPatch = Static<typeof PersonPatch>;

const PersonParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });

const errors = apiErrors(400, 401, 403, 404);

/**
 * The people register for security officers and administrators: a change of clearance, roles or status
 * takes effect with the person's next request and cuts their open streams (R36); each change is audited
 * naming who made it (R29). The node decides who may; these routes only translate.
 */
export async function peopleRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  const p = '/api/v1';

  app.get(
    `${p}/people`,
    {
      schema: {
        tags: ['people'],
        summary: "The node's people: clearance, roles, disabled (security officers and administrators)",
        response: { 200: PeopleList, ...errors },
      },
    },
    async (request) => ({ people: await node.listPeople(personOf(request)) }),
  );
  app.patch(
    `${p}/people/:name`,
    {
      schema: {
        tags: ['people'],
        summary: "Change another person's clearance, roles or status; takes effect at once (audited)",
        params: PersonParams,
        body: PersonPatch,
        response: { 200: PersonRecord, ...errors },
      },
    },
    async (request) => node.updatePerson(personOf(request), request.params.name, request.body),
  );
}
