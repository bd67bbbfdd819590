import { type Static, Type } from '@sinclair/typebox';
import { errorAnswers } from '../openapi.js';

/**
 * The node's own JSON API: one schema per body, query and answer, in a file per area (items, people,
 * custody, releases and consents, decisions and audit); this one holds what they share. Its own keys are
 * camelCase (`expiresAt`, `itemId`, `treeSize`); the STIX objects it carries keep STIX's snake_case.
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
export const EXAMPLE_LABEL_ID = 'marking-definition--b94c9a00-2faa-5670-804b-60376142c16b';
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
export const EXAMPLE_ITEM_ID = 'report--0f8d3c1e-6a57-4b8e-9a51-2f4c7d9e1b20';
export const EXAMPLE_REPORT = {
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
export const EXAMPLE_AT = '2026-03-02T01:25:00.000Z';

export const StixObject = Type.Object(
  { id: Type.String(), type: Type.String() },
  { additionalProperties: true, description: 'a STIX 2.1 object as the signed-in person may read it' },
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

/** `?lang=ko|ja|en`: the language of rendered labels; wins over Accept-Language. */
export const LangQuery = Type.String({
  minLength: 1,
  description:
    'ko, ja or en: the language of the rendered label. Wins over Accept-Language; without either, the ' +
    "language of the reader's nation. Any other value is refused (UNSUPPORTED_LANGUAGE).",
});

export const RequestParams = Type.Object({ id: Type.String({ minLength: 1 }) });

export const NoContent = Type.Null({ description: 'done; nothing to answer' });
