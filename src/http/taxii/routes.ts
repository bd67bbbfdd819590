import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import type { NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import type { HttpMetrics } from '../metrics.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { type TaxiiQuery, toObjectFilter } from './filters.js';
import { acceptsTaxii, isTaxiiContentType, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE } from './media.js';
import {
  ApiRoot,
  type Collection,
  CollectionParams,
  Collection as CollectionSchema,
  Collections,
  Deleted,
  DeleteQuery,
  Discovery,
  Envelope,
  Manifest,
  ObjectParams,
  ObjectQuery,
  ObjectsQuery,
  PostBody,
  Status,
  StatusParams,
  taxiiErrors,
  Versions,
  VersionsQuery,
} from './schemas.js';
import { statusOf, withStatus } from './status.js';

export interface TaxiiOptions {
  node: NodeService;
  metrics: HttpMetrics;
  /** Advertised in the API root; larger bodies are 413. */
  maxContentLength: number;
  /** The most objects one page holds, whatever `limit` asks. */
  maxPageSize: number;
}

/** The API root's path: one per node, named for its party (`/taxii2/kor/`). */
export function apiRootPath(party: string): string {
  return `/taxii2/${party.toLowerCase()}/`;
}

const errors = taxiiErrors(400, 401, 403, 404, 406);
const tags = ['TAXII 2.1'];
const produces = [TAXII_MEDIA_TYPE];

/** Posted content whose objects are refused as objects (not as a request) is 422 in TAXII (§3.6.1). */
const unprocessable = new Set(['INVALID_STIX', 'INVALID_LABEL', 'LABEL_ID_MISMATCH']);

function pageHeaders(reply: FastifyReply, page: { dateAddedFirst?: string; dateAddedLast?: string }): void {
  if (page.dateAddedFirst) reply.header('X-TAXII-Date-Added-First', page.dateAddedFirst);
  if (page.dateAddedLast) reply.header('X-TAXII-Date-Added-Last', page.dateAddedLast);
}

/** `more`/`next` as TAXII wants them: `next` only when there is more. */
function paging(page: { more: boolean; next?: string }): { more: boolean; next?: string } {
  return page.more && page.next !== undefined ? { more: true, next: page.next } : { more: page.more };
}

/**
 * TAXII 2.1 (contracts §7): discovery, one API root, the node's collection, objects (GET with filters and
 * pagination, POST, GET/DELETE by id), versions, manifest, status. Every answer comes from the node
 * acting as the signed-in person, so it holds only what that person may read; the marking-definitions are
 * objects of the collection like any other, counted by `limit` and filtered by `match[…]`.
 */
export async function taxiiRoutes(parent: FastifyInstance, opts: TaxiiOptions): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node, maxContentLength, maxPageSize, metrics } = opts;
  const root = apiRootPath(node.party);

  // STIX objects are open-ended JSON: serialise them as they are, never through a schema that could drop
  // properties (the schemas still document the shapes in /docs).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request) => {
    if (!acceptsTaxii(request.headers.accept)) {
      throw new ReltoError('NOT_ACCEPTABLE', `TAXII answers only ${TAXII_MEDIA_TYPE}`);
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-type', TAXII_MEDIA_TYPE);
    return payload;
  });

  const collection = (): Collection => ({
    id: node.collectionId,
    title: `${node.party} items`,
    description: `The items this ${node.party} node holds, as the signed-in person may read them.`,
    can_read: true,
    can_write: true,
    media_types: [STIX_MEDIA_TYPE],
  });
  const checkCollection = (id: string): void => {
    if (id !== node.collectionId) throw new ReltoError('NOT_FOUND', `no collection ${id}`);
  };

  app.get(
    '/taxii2/',
    { schema: { tags, produces, summary: 'Server discovery', response: { 200: Discovery, ...errors } } },
    async (request) => {
      const base = `${request.protocol}://${request.host}`;
      return {
        title: `relto node ${node.party}`,
        description: 'TAXII 2.1 server of one relto node; every answer is filtered by what you may read.',
        default: `${base}${root}`,
        api_roots: [`${base}${root}`],
      };
    },
  );

  app.get(
    root,
    { schema: { tags, produces, summary: 'API root information', response: { 200: ApiRoot, ...errors } } },
    async () => ({
      title: `relto ${node.party}`,
      description: `The API root of the ${node.party} node.`,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: maxContentLength,
    }),
  );

  app.get(
    `${root}collections/`,
    { schema: { tags, produces, summary: 'Collections', response: { 200: Collections, ...errors } } },
    async () => ({ collections: [collection()] }),
  );

  app.get(
    `${root}collections/:collection/`,
    {
      schema: {
        tags,
        produces,
        summary: 'One collection',
        params: CollectionParams,
        response: { 200: CollectionSchema, ...errors },
      },
    },
    async (request) => {
      checkCollection(request.params.collection);
      return collection();
    },
  );

  app.get(
    `${root}collections/:collection/objects/`,
    {
      schema: {
        tags,
        produces,
        summary: 'Objects the signed-in person may read (the marking-definitions among them)',
        params: CollectionParams,
        querystring: ObjectsQuery,
        response: { 200: Envelope, ...errors },
      },
    },
    async (request, reply) => {
      checkCollection(request.params.collection);
      const page = await node.listObjects(personOf(request), toObjectFilter(request.query, maxPageSize));
      pageHeaders(reply, page);
      return envelope(page);
    },
  );

  app.post(
    `${root}collections/:collection/objects/`,
    {
      bodyLimit: maxContentLength,
      // Refuse a wrong media type before reading a possibly large body (TAXII 2.1 §3.6.1: 415).
      onRequest: async (request: FastifyRequest) => {
        if (!isTaxiiContentType(request.headers['content-type'])) {
          throw new ReltoError(
            'UNSUPPORTED_MEDIA_TYPE',
            `POST a TAXII envelope as ${TAXII_MEDIA_TYPE} (or a bundle as ${STIX_MEDIA_TYPE})`,
          );
        }
      },
      schema: {
        tags,
        produces,
        consumes: [TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE],
        summary: 'Add objects (one transaction: all stored, or none)',
        params: CollectionParams,
        body: PostBody,
        response: { 202: Status, ...errors, ...taxiiErrors(413, 415, 422) },
      },
    },
    async (request, reply) => {
      checkCollection(request.params.collection);
      let result: Awaited<ReturnType<NodeService['postObjects']>>;
      try {
        result = await node.postObjects(personOf(request), request.body.objects);
      } catch (thrown) {
        const e = withStatus(thrown);
        if (e instanceof ReltoError && unprocessable.has(e.code)) {
          throw new ReltoError(
            'UNPROCESSABLE_CONTENT',
            e.message,
            `/objects${e.path.replace(/^\/objects/, '')}`,
            {
              cause: e.code,
              ...(e.details === undefined ? {} : { details: e.details }),
            },
          );
        }
        // A refusal by the rules is counted where every error is answered (app.ts), once.
        throw e;
      }
      metrics.objectsPosted.inc({ via: 'taxii' }, result.total);
      return reply.code(202).send(statusOf(result));
    },
  );

  app.get(
    `${root}collections/:collection/objects/:object/`,
    {
      schema: {
        tags,
        produces,
        summary: 'One object (its versions as the signed-in person may read them)',
        params: ObjectParams,
        querystring: ObjectQuery,
        response: { 200: Envelope, ...errors },
      },
    },
    async (request, reply) => {
      checkCollection(request.params.collection);
      const filter = toObjectFilter(request.query as TaxiiQuery, maxPageSize);
      const page = await node.getObject(personOf(request), request.params.object, filter);
      // An object the person may not see does not exist for them (contracts §6).
      if (page.objects.length === 0 && filter.next === undefined) {
        throw new ReltoError('NOT_FOUND', `no object ${request.params.object}`);
      }
      pageHeaders(reply, page);
      return envelope(page);
    },
  );

  app.delete(
    `${root}collections/:collection/objects/:object/`,
    {
      schema: {
        tags,
        produces,
        summary: 'Delete an object: a destroy decision, then its key is erased so no copy can be read again',
        params: ObjectParams,
        querystring: DeleteQuery,
        response: { 200: Deleted, ...errors },
      },
    },
    async (request, reply) => {
      checkCollection(request.params.collection);
      const filter = toObjectFilter(request.query as TaxiiQuery, maxPageSize);
      // R27: the node decides `destroy` and erases; a refusal comes back as FORBIDDEN.
      const done = await node.destroyObject(personOf(request), request.params.object, filter);
      if (!done) throw new ReltoError('NOT_FOUND', `no object ${request.params.object}`);
      return reply.code(200).send(null);
    },
  );

  app.get(
    `${root}collections/:collection/objects/:object/versions/`,
    {
      schema: {
        tags,
        produces,
        summary: "An object's versions the signed-in person may see",
        params: ObjectParams,
        querystring: VersionsQuery,
        response: { 200: Versions, ...errors },
      },
    },
    async (request, reply) => {
      checkCollection(request.params.collection);
      const filter = toObjectFilter(request.query as TaxiiQuery, maxPageSize);
      const page = await node.versions(personOf(request), request.params.object, filter);
      if (page.versions.length === 0 && filter.next === undefined) {
        throw new ReltoError('NOT_FOUND', `no object ${request.params.object}`);
      }
      pageHeaders(reply, page);
      return { ...paging(page), versions: page.versions };
    },
  );

  app.get(
    `${root}collections/:collection/manifest/`,
    {
      schema: {
        tags,
        produces,
        summary: 'Manifest of the objects the signed-in person may read',
        params: CollectionParams,
        querystring: ObjectsQuery,
        response: { 200: Manifest, ...errors },
      },
    },
    async (request, reply) => {
      checkCollection(request.params.collection);
      const page = await node.manifest(personOf(request), toObjectFilter(request.query, maxPageSize));
      pageHeaders(reply, page);
      return page.objects.length === 0 ? paging(page) : { ...paging(page), objects: page.objects };
    },
  );

  app.get(
    `${root}status/:status/`,
    {
      schema: {
        tags,
        produces,
        summary: 'The status of an earlier POST',
        params: StatusParams,
        response: { 200: Status, ...errors },
      },
    },
    async (request) => {
      const result = await node.getPost(personOf(request), request.params.status);
      if (!result) throw new ReltoError('NOT_FOUND', `no status ${request.params.status}`);
      return statusOf(result);
    },
  );
}

/** The envelope of a page: its objects (the marking-definitions among them, as objects of the collection). */
function envelope(page: {
  objects: { id: string }[];
  more: boolean;
  next?: string;
}): Record<string, unknown> {
  const out: Record<string, unknown> = paging(page);
  if (page.objects.length > 0) out.objects = page.objects;
  return out;
}
