import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import { durationSeconds } from '../../feeds/index.js';
import { readerLang } from '../../label/index.js';
import type { NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors, EmptyBody, EXAMPLE_AT } from './shared-schemas.js';

const FeedShape = Type.Object({
  id: Type.String(),
  source: Type.String({ description: 'the http(s) address or the file the feed is read from' }),
  sourceKind: Type.Union([Type.Literal('url'), Type.Literal('file')]),
  title: Type.String({ description: "the feed's own title, once read" }),
  everySeconds: Type.Integer(),
  lang: Type.Union([Type.String(), Type.Null()]),
  topics: Type.Array(Type.String()),
  etag: Type.Union([Type.String(), Type.Null()]),
  lastModified: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('new'), Type.Literal('ok'), Type.Literal('failing')]),
  problem: Type.Union([Type.Object({ kind: Type.String(), message: Type.String() }), Type.Null()], {
    description: 'what went wrong at the last poll, when it failed',
  }),
  failures: Type.Integer({
    description: 'polls failed in a row: the wait before the next one grows with it',
  }),
  polledAt: Type.Union([Type.String(), Type.Null()]),
  nextPollAt: Type.String(),
  createdAt: Type.String(),
});
const EXAMPLE_FEED = {
  id: 'feed--6b1b2a3e-2c2f-4e0b-9a57-0f8d9b3c1e11',
  source: 'https://news.example/rss',
  sourceKind: 'url',
  title: 'Seoul Daily',
  everySeconds: 900,
  lang: 'ko',
  topics: ['DPRK-MISSILE'],
  etag: '"v1"',
  lastModified: null,
  status: 'ok',
  problem: null,
  failures: 0,
  polledAt: EXAMPLE_AT,
  nextPollAt: EXAMPLE_AT,
  createdAt: EXAMPLE_AT,
};

const Feed = documented(FeedShape, 'a news feed the node polls, and how its last poll went', EXAMPLE_FEED);
const FeedList = documented(Type.Object({ feeds: Type.Array(FeedShape) }), "the node's news feeds", {
  feeds: [EXAMPLE_FEED],
});

const NewFeed = Type.Object(
  {
    url: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'an http or https address' }),
    ),
    file: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: "an absolute path on the node's machine" }),
    ),
    every: Type.Optional(
      Type.Union([Type.Integer({ minimum: 60 }), Type.String({ maxLength: 16 })], {
        description: 'how often to poll: seconds, or 90s, 15m, 2h, 1d (default 15m)',
      }),
    ),
    lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('ja'), Type.Literal('en')])),
    topics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { uniqueItems: true })),
  },
  {
    additionalProperties: false,
    examples: [{ url: 'https://news.example/rss', every: '15m', lang: 'ko', topics: ['DPRK-MISSILE'] }],
  },
);

const PollResult = documented(
  Type.Object({
    feed: Type.String(),
    status: Type.Union([Type.Literal('ok'), Type.Literal('not-modified'), Type.Literal('failing')]),
    taken: Type.Integer({ description: 'items taken in as new reports' }),
    updated: Type.Integer({ description: 'items that changed: new versions of their reports' }),
    unchanged: Type.Integer({ description: 'items seen before, unchanged' }),
    problem: Type.Optional(Type.Object({ kind: Type.String(), message: Type.String() })),
  }),
  'what one poll did; answered once the items are stored',
  { feed: EXAMPLE_FEED.id, status: 'ok', taken: 12, updated: 1, unchanged: 30 },
);

const EntityShape = Type.Object({
  id: Type.String({ description: 'the STIX id of the location or identity' }),
  kind: Type.Union([
    Type.Literal('person'),
    Type.Literal('organisation'),
    Type.Literal('place'),
    Type.Literal('country'),
  ]),
  name: Type.String({ description: "the name the reader's party uses, in the reader's language" }),
  country: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2' })),
  latitude: Type.Optional(Type.Number()),
  longitude: Type.Optional(Type.Number()),
  mentions: Type.Array(Type.Object({ start: Type.Integer(), end: Type.Integer() }), {
    description: 'UTF-16 offsets into the description, end exclusive',
  }),
});
const Entities = documented(Type.Array(EntityShape), 'what the item mentions, named for the reader', [
  {
    id: 'location--0b1a6f86-8c3e-5e8a-9d7e-3b7a0f0e5c21',
    kind: 'place',
    name: 'Dokdo',
    latitude: 37.2411,
    longitude: 131.8647,
    mentions: [{ start: 42, end: 44 }],
  },
]);
const EntitiesQuery = Type.Object({ lang: Type.Optional(Type.String({ description: 'ko, ja or en' })) });
const ItemParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

const FeedParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });
const errors = apiErrors(400, 401, 403, 404, 409);

/** News feeds for administrators: added, listed with their status, polled now. The node decides who may. */
export async function feedRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  const p = '/api/v1';
  const tags = ['feeds'];

  app.post(
    `${p}/feeds`,
    {
      schema: {
        tags,
        summary: 'Add a news feed by its URL or file (administrators)',
        body: NewFeed,
        response: { 201: Feed, ...errors },
      },
    },
    async (request, reply) => {
      const { url, file, every, lang, topics } = request.body;
      const feed = await node.addFeed(personOf(request), {
        ...(url !== undefined ? { url } : {}),
        ...(file !== undefined ? { file } : {}),
        ...(every !== undefined
          ? { everySeconds: typeof every === 'number' ? every : durationSeconds(every) }
          : {}),
        ...(lang !== undefined ? { lang } : {}),
        ...(topics !== undefined ? { topics } : {}),
      });
      return reply.code(201).send(feed);
    },
  );
  app.get(
    `${p}/feeds`,
    {
      schema: {
        tags,
        summary: 'The news feeds and how their last poll went (administrators)',
        response: { 200: FeedList, ...errors },
      },
    },
    async (request) => ({ feeds: await node.listFeeds(personOf(request)) }),
  );
  app.post(
    `${p}/feeds/:id/poll`,
    {
      schema: {
        tags,
        summary: 'Poll a feed now; answers once its items are stored, with counts (administrators)',
        params: FeedParams,
        body: EmptyBody,
        response: { 200: PollResult, ...errors },
      },
    },
    async (request) => node.pollFeed(personOf(request), request.params.id),
  );
  app.get(
    `${p}/items/:id/entities`,
    {
      schema: {
        tags: ['items'],
        summary:
          'The people, organisations, places and countries an item mentions, named as your nation names them',
        params: ItemParams,
        querystring: EntitiesQuery,
        response: { 200: Entities, ...apiErrors(400, 401, 404) },
      },
    },
    async (request) => {
      const person = personOf(request);
      // The language asked for, else the one the person chose, else their browser's, else their nation's.
      const lang = readerLang(
        request.query.lang ?? person.lang ?? undefined,
        request.headers['accept-language'],
        person.party,
      );
      const found = await node.itemEntities(person, request.params.id, lang);
      if (!found) throw new ReltoError('NOT_FOUND', `no item ${request.params.id}`);
      return found;
    },
  );
}
