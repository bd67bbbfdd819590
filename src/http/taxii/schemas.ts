import { type Static, Type } from '@sinclair/typebox';

/** TAXII 2.1 resources (TAXII 2.1 §4–5) as TypeBox schemas: one source for validation, types and OpenAPI. */

export const Discovery = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  contact: Type.Optional(Type.String()),
  default: Type.Optional(Type.String()),
  api_roots: Type.Optional(Type.Array(Type.String())),
});

export const ApiRoot = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  versions: Type.Array(Type.String()),
  max_content_length: Type.Integer(),
});

export const Collection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  alias: Type.Optional(Type.String()),
  can_read: Type.Boolean(),
  can_write: Type.Boolean(),
  media_types: Type.Optional(Type.Array(Type.String())),
});
export type Collection = Static<typeof Collection>;

export const Collections = Type.Object({ collections: Type.Optional(Type.Array(Collection)) });

/** A STIX object: the stix layer validates it against the OASIS schemas, not this route schema. */
const AnyObject = Type.Object({}, { additionalProperties: true });

export const Envelope = Type.Object({
  more: Type.Optional(Type.Boolean()),
  next: Type.Optional(Type.String()),
  objects: Type.Optional(Type.Array(AnyObject)),
});

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
  { additionalProperties: false },
);
export type PostBody = Static<typeof PostBody>;

const StatusDetail = Type.Object({
  id: Type.String(),
  version: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const Status = Type.Object({
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
});

export const ManifestRecord = Type.Object({
  id: Type.String(),
  date_added: Type.String(),
  version: Type.String(),
  media_type: Type.Optional(Type.String()),
});

export const Manifest = Type.Object({
  more: Type.Optional(Type.Boolean()),
  next: Type.Optional(Type.String()),
  objects: Type.Optional(Type.Array(ManifestRecord)),
});

export const Versions = Type.Object({
  more: Type.Optional(Type.Boolean()),
  next: Type.Optional(Type.String()),
  versions: Type.Optional(Type.Array(Type.String())),
});

export const TaxiiError = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  error_id: Type.Optional(Type.String()),
  error_code: Type.Optional(Type.String()),
  http_status: Type.Optional(Type.String()),
  external_details: Type.Optional(Type.String()),
  details: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

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

export const CollectionParams = Type.Object({ collection: Type.String() });
export const ObjectParams = Type.Object({ collection: Type.String(), object: Type.String() });
export const StatusParams = Type.Object({ status: Type.String() });
