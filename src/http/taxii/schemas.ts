import { type Static, Type } from '@sinclair/typebox';
import { documented, errorAnswers } from '../openapi.js';

/** TAXII 2.1 resources (TAXII 2.1 §4–5) as TypeBox schemas: one source for validation, types and OpenAPI. */

const COLLECTION_ID = '9f2d0b9e-4c1a-5e6f-8a7b-3c4d5e6f7a8b';
const ITEM_ID = 'report--0f8d3c1e-6a57-4b8e-9a51-2f4c7d9e1b20';
const LABEL_ID = 'marking-definition--b94c9a00-2faa-5670-804b-60376142c16b';
const AT = '2026-03-02T01:20:00.000Z';
const EXAMPLE_REPORT = {
  type: 'report',
  spec_version: '2.1',
  id: ITEM_ID,
  created: AT,
  modified: AT,
  created_by_ref: 'identity--707b02ff-b74d-5180-a7fa-c191e827b70c',
  name: 'Launch assessment',
  published: AT,
  object_refs: ['identity--707b02ff-b74d-5180-a7fa-c191e827b70c'],
  object_marking_refs: [LABEL_ID],
};

export const Discovery = documented(
  Type.Object({
    title: Type.String(),
    description: Type.Optional(Type.String()),
    contact: Type.Optional(Type.String()),
    default: Type.Optional(Type.String()),
    api_roots: Type.Optional(Type.Array(Type.String())),
  }),
  "the TAXII server's discovery resource",
  { title: 'relto KOR', default: '/taxii2/kor/', api_roots: ['/taxii2/kor/'] },
);

export const ApiRoot = documented(
  Type.Object({
    title: Type.String(),
    description: Type.Optional(Type.String()),
    versions: Type.Array(Type.String()),
    max_content_length: Type.Integer(),
  }),
  "the node's API root",
  { title: 'relto KOR', versions: ['application/taxii+json;version=2.1'], max_content_length: 33554432 },
);

const CollectionShape = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  alias: Type.Optional(Type.String()),
  can_read: Type.Boolean(),
  can_write: Type.Boolean(),
  media_types: Type.Optional(Type.Array(Type.String())),
});
const EXAMPLE_COLLECTION = {
  id: COLLECTION_ID,
  title: 'KOR items',
  description: 'The items this KOR node holds, as the signed-in person may read them.',
  can_read: true,
  can_write: true,
  media_types: ['application/stix+json;version=2.1'],
};
export const Collection = documented(CollectionShape, "the node's collection", EXAMPLE_COLLECTION);
export type Collection = Static<typeof Collection>;

export const Collections = documented(
  Type.Object({ collections: Type.Optional(Type.Array(CollectionShape)) }),
  'the collections of the API root (one per node)',
  { collections: [EXAMPLE_COLLECTION] },
);

/** A STIX object: the stix layer validates it against the OASIS schemas, not this route schema. */
const AnyObject = Type.Object({}, { additionalProperties: true });

export const Envelope = documented(
  Type.Object({
    more: Type.Optional(Type.Boolean()),
    next: Type.Optional(Type.String()),
    objects: Type.Optional(Type.Array(AnyObject)),
  }),
  'a page of objects the reader may read, with the marking-definitions they use',
  { more: false, objects: [EXAMPLE_REPORT] },
);

/**
 * What a POST may carry: an envelope, or (as application/stix+json) a bundle; only `objects` is used. The
 * objects keep their own (custom) properties; the envelope or bundle has only its own.
 */
export const PostBody = Type.Object(
  {
    objects: Type.Array(Type.Unknown(), { description: 'the STIX objects to add' }),
    more: Type.Optional(Type.Boolean()),
    next: Type.Optional(Type.String()),
    type: Type.Optional(Type.Literal('bundle')),
    id: Type.Optional(Type.String()),
    spec_version: Type.Optional(Type.String()),
  },
  { additionalProperties: false, examples: [{ objects: [EXAMPLE_REPORT] }] },
);
export type PostBody = Static<typeof PostBody>;

const StatusDetail = Type.Object({
  id: Type.String(),
  version: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const Status = documented(
  Type.Object({
    id: Type.String(),
    status: Type.Union([Type.Literal('complete'), Type.Literal('pending')]),
    request_timestamp: Type.Optional(Type.String()),
    total_count: Type.Integer(),
    success_count: Type.Integer(),
    successes: Type.Optional(Type.Array(StatusDetail)),
    failure_count: Type.Integer(),
    failures: Type.Optional(Type.Array(StatusDetail)),
    pending_count: Type.Integer(),
    pendings: Type.Optional(Type.Array(StatusDetail)),
  }),
  'the status of a post: every object stored, or none',
  {
    id: '3b8f0c5e-2d41-4f6a-9e7b-1c2d3e4f5a6b',
    status: 'complete',
    request_timestamp: AT,
    total_count: 1,
    success_count: 1,
    successes: [{ id: ITEM_ID, version: AT }],
    failure_count: 0,
    pending_count: 0,
  },
);

export const ManifestRecord = Type.Object({
  id: Type.String(),
  date_added: Type.String(),
  version: Type.String(),
  media_type: Type.Optional(Type.String()),
});

export const Manifest = documented(
  Type.Object({
    more: Type.Optional(Type.Boolean()),
    next: Type.Optional(Type.String()),
    objects: Type.Optional(Type.Array(ManifestRecord)),
  }),
  'one record per object version the reader may read',
  {
    more: false,
    objects: [{ id: ITEM_ID, date_added: AT, version: AT, media_type: 'application/stix+json;version=2.1' }],
  },
);

export const Versions = documented(
  Type.Object({
    more: Type.Optional(Type.Boolean()),
    next: Type.Optional(Type.String()),
    versions: Type.Optional(Type.Array(Type.String())),
  }),
  "an object's versions the reader may see",
  { more: false, versions: [AT] },
);

export const TaxiiError = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  error_id: Type.Optional(Type.String()),
  error_code: Type.Optional(Type.String()),
  http_status: Type.Optional(Type.String()),
  external_details: Type.Optional(Type.String()),
  details: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

/** TAXII error messages for the given statuses, each described and with an example. */
export function taxiiErrors(...statuses: number[]): Record<number, typeof TaxiiError> {
  return errorAnswers(
    TaxiiError,
    (code, message) => ({ title: message, error_code: code, http_status: '', description: message }),
    statuses,
  );
}

/** Filter parameters; a repeated or comma-separated `match[…]` is a list of alternatives (TAXII 2.1 §3.5). */
const List = Type.Array(Type.String({ minLength: 1 }));
const Timestamp = Type.String({ format: 'date-time' });
const Limit = Type.Integer({ minimum: 1 });

export const ObjectsQuery = Type.Object({
  added_after: Type.Optional(Timestamp),
  limit: Type.Optional(Limit),
  next: Type.Optional(Type.String()),
  'match[id]': Type.Optional(List),
  'match[type]': Type.Optional(List),
  'match[version]': Type.Optional(List),
  'match[spec_version]': Type.Optional(List),
});
export type ObjectsQuery = Static<typeof ObjectsQuery>;

export const ObjectQuery = Type.Object({
  added_after: Type.Optional(Timestamp),
  limit: Type.Optional(Limit),
  next: Type.Optional(Type.String()),
  'match[version]': Type.Optional(List),
  'match[spec_version]': Type.Optional(List),
});

export const DeleteQuery = Type.Object({
  'match[version]': Type.Optional(List),
  'match[spec_version]': Type.Optional(List),
});

export const VersionsQuery = Type.Object({
  added_after: Type.Optional(Timestamp),
  limit: Type.Optional(Limit),
  next: Type.Optional(Type.String()),
  'match[spec_version]': Type.Optional(List),
});

/** A deletion answers nothing. */
export const Deleted = Type.Null({ description: 'deleted: the object is destroyed and its key erased' });

export const CollectionParams = Type.Object({ collection: Type.String() });
export const ObjectParams = Type.Object({ collection: Type.String(), object: Type.String() });
export const StatusParams = Type.Object({ status: Type.String() });
