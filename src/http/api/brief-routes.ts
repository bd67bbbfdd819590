import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import type { BriefService, NodeService } from '../../node/index.js';
import { personOf } from '../auth.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors, EXAMPLE_AT, NoContent } from './shared-schemas.js';

const Lang = Type.Union([Type.Literal('ko'), Type.Literal('ja'), Type.Literal('en')]);

const BriefSubscriptionBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, description: 'where the brief goes' }),
    time: Type.String({ minLength: 1, maxLength: 5, description: 'local time of day to send it, HH:MM' }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'an IANA time zone, e.g. Asia/Seoul' }),
    lang: Lang,
    topics: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: 64,
      description: 'topics of the news it holds; [] = all',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      { email: 'analyst@mnd.example', time: '07:00', timeZone: 'Asia/Seoul', lang: 'ko', topics: [] },
    ],
  },
);
type BriefSubscriptionBody = Static<typeof BriefSubscriptionBody>;

const EXAMPLE_SUBSCRIPTION = {
  email: 'analyst@mnd.example',
  time: '07:00',
  timeZone: 'Asia/Seoul',
  lang: 'ko',
  topics: [],
  state: 'confirmed',
  requestedAt: EXAMPLE_AT,
  confirmedAt: EXAMPLE_AT,
  nextSendAt: EXAMPLE_AT,
};
const BriefSubscription = documented(
  Type.Object({
    email: Type.String(),
    time: Type.String(),
    timeZone: Type.String(),
    lang: Lang,
    topics: Type.Array(Type.String()),
    state: Type.Union([Type.Literal('pending'), Type.Literal('confirmed')], {
      description:
        'pending until the link mailed to the address is followed; nothing else is sent until then',
    }),
    requestedAt: Type.String(),
    confirmedAt: Type.Optional(Type.String()),
    nextSendAt: Type.Optional(Type.String({ description: 'when the next brief goes out' })),
  }),
  "the person's daily brief subscription",
  EXAMPLE_SUBSCRIPTION,
);
const BriefTopics = documented(
  Type.Object({ topics: Type.Array(Type.String()) }),
  "the topics a brief can be narrowed to: those of the node's news feeds",
  { topics: ['DPRK-MISSILE'] },
);
const BriefSendBody = Type.Object(
  {
    date: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: "the subscribers' local date (default: today in each one's time zone)",
      }),
    ),
  },
  { additionalProperties: false, examples: [{}, { date: '2026-12-08' }] },
);
const BriefSendResult = documented(
  Type.Object({
    queued: Type.Integer({
      description: 'briefs composed now (a subscriber and date already sent is skipped)',
    }),
    sent: Type.Integer({ description: 'mails the relay took' }),
    retrying: Type.Integer({ description: 'mails the relay deferred: tried again with a growing wait' }),
    failed: Type.Integer({ description: 'mails the relay refused for good' }),
    relay: Type.Boolean({ description: 'false when the node has no mail relay: the mail waits for one' }),
  }),
  "what sending the day's briefs did",
  { queued: 3, sent: 3, retrying: 0, failed: 0, relay: true },
);

function briefOf(node: NodeService): BriefService {
  if (!node.brief) throw new ReltoError('NOT_IMPLEMENTED', 'this node sends no daily brief');
  return node.brief;
}

/** The daily brief: a person's own subscription, the topics, and sending a day's briefs now (administrators). */
export async function briefRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  const p = '/api/v1/brief';
  const tags = ['brief'];

  app.get(
    `${p}/subscription`,
    {
      schema: {
        tags,
        summary: 'Your daily brief subscription and its state',
        response: { 200: BriefSubscription, ...apiErrors(401, 404) },
      },
    },
    async (request) => {
      const s = await briefOf(node).subscription(personOf(request));
      if (!s) throw new ReltoError('NOT_FOUND', 'you have no daily brief subscription');
      return s;
    },
  );
  app.post(
    `${p}/subscription`,
    {
      schema: {
        tags,
        summary:
          'Subscribe yourself to the daily brief (or replace your subscription); a new address is confirmed by a mailed link first',
        body: BriefSubscriptionBody,
        response: { 202: BriefSubscription, ...apiErrors(400, 401) },
      },
    },
    async (request, reply) => {
      const body: BriefSubscriptionBody = request.body;
      const s = await briefOf(node).subscribe(personOf(request), body);
      return reply.code(202).send(s);
    },
  );
  app.delete(
    `${p}/subscription`,
    {
      schema: {
        tags,
        summary: 'End your daily brief subscription',
        response: { 204: NoContent, ...apiErrors(401, 404) },
      },
    },
    async (request, reply) => {
      if (!(await briefOf(node).cancel(personOf(request)))) {
        throw new ReltoError('NOT_FOUND', 'you have no daily brief subscription');
      }
      return reply.code(204).send(null);
    },
  );
  app.get(
    `${p}/topics`,
    {
      schema: {
        tags,
        summary: 'The topics a brief can be narrowed to',
        response: { 200: BriefTopics, ...apiErrors(401) },
      },
    },
    async (request) => ({ topics: await briefOf(node).topics(personOf(request)) }),
  );
  app.post(
    `${p}/send`,
    {
      schema: {
        tags,
        summary: "Send every confirmed subscriber's brief of a date now, once each (administrators)",
        body: BriefSendBody,
        response: { 200: BriefSendResult, ...apiErrors(400, 401, 403) },
      },
    },
    async (request) => briefOf(node).send(personOf(request), request.body),
  );
}
