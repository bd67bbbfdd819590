import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { readerLang } from '../../label/index.js';
import type { NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors, EXAMPLE_AT, LangQuery } from './shared-schemas.js';

const NewsPlace = Type.Object({
  id: Type.String({ description: 'the STIX id of the location' }),
  name: Type.String({ description: "the name the reader's nation uses, in the reader's language" }),
  kind: Type.Union([Type.Literal('place'), Type.Literal('country')]),
  latitude: Type.Optional(Type.Number()),
  longitude: Type.Optional(Type.Number()),
});

const NewsItem = Type.Object({
  id: Type.String({ description: "the news report's STIX id (its entities: /api/v1/items/{id}/entities)" }),
  headline: Type.String({ description: 'exactly as published: never translated or renamed' }),
  source: Type.String({ description: "the feed's title" }),
  url: Type.Optional(Type.String({ description: "the item's own link" })),
  published: Type.Optional(Type.String({ description: 'the date the item carries' })),
  added: Type.String({ description: 'when this node took it in' }),
  lang: Type.Optional(Type.String({ description: "the item's language, when it says" })),
  topics: Type.Array(Type.String(), { description: "the topics of the item's feed" }),
  places: Type.Array(NewsPlace, {
    description: 'the places and countries it mentions, named for the reader',
  }),
});

const NewsPage = documented(
  Type.Object({
    news: Type.Array(NewsItem),
    next: Type.Optional(Type.String({ description: 'pass as `next` for the older items that follow' })),
  }),
  'the news the node took in, newest first, as the reader may read it',
  {
    news: [
      {
        id: 'report--5d0c8f1e-3c8b-5b5f-9d3e-7a0b6c1d2e3f',
        headline: '독도 인근 해역에서 해양조사선 활동',
        source: 'Seoul Daily',
        url: 'https://news.example/ko-4',
        published: EXAMPLE_AT,
        added: EXAMPLE_AT,
        topics: ['DPRK-MISSILE'],
        places: [
          {
            id: 'location--0b1a6f86-8c3e-5e8a-9d7e-3b7a0f0e5c21',
            name: 'Takeshima',
            kind: 'place',
            latitude: 37.2411,
            longitude: 131.8647,
          },
        ],
      },
    ],
    next: 'YTE3NzI0MTQ3MDAwMDAwMDA',
  },
);

const NewsQuery = Type.Object({
  lang: Type.Optional(LangQuery),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, description: 'items per page (default 50)' }),
  ),
  next: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: "the previous page's `next`" }),
  ),
  topic: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: 50,
      description: 'only items on any of these topics (repeat the parameter); none: all',
    }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'only items whose headline or text contains these words as written',
    }),
  ),
});

/** The open-source news the node took in, for anyone signed in; the node decides what each may read. */
export async function newsRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;

  app.get(
    '/api/v1/news',
    {
      schema: {
        tags: ['news'],
        summary:
          'The news taken in, newest first: headlines as published, places named as your nation names them',
        querystring: NewsQuery,
        response: { 200: NewsPage, ...apiErrors(400, 401) },
      },
    },
    async (request) => {
      const person = personOf(request);
      const q = request.query;
      // The language asked for, else the one the person chose, else their browser's, else their nation's.
      const lang = readerLang(
        q.lang ?? person.lang ?? undefined,
        request.headers['accept-language'],
        person.party,
      );
      return node.listNews(person, {
        lang,
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.next !== undefined ? { next: q.next } : {}),
        ...(q.topic !== undefined ? { topics: q.topic } : {}),
        ...(q.q !== undefined ? { q: q.q } : {}),
      });
    },
  );
}
