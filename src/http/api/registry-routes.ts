import type { FastifyInstance } from 'fastify';
import type { NodeService } from '../../node/index.js';
import { Registry } from '../../registry/schema.js';
import { documented } from '../openapi.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { apiErrors } from './shared-schemas.js';

const EXAMPLE = {
  parties: [
    {
      code: 'JPN',
      name: { en: 'Japan', ko: '일본국', ja: '日本国' },
      designations: [
        {
          id: 'TOKUTEI',
          native: '特定秘密',
          romanised: 'tokutei himitsu',
          en: 'specially designated secret',
        },
      ],
      levels: [
        { id: 'U', rank: 0, native: '指定なし', romanised: 'shitei nashi', en: 'unclassified' },
        { id: 'HI', rank: 1, native: '秘', romanised: 'hi', en: 'secret (lowest grade)' },
      ],
    },
  ],
  agreements: [
    {
      id: 'KOR-JPN-GSOMIA',
      title:
        'Agreement between the Government of Japan and the Government of the Republic of Korea on the ' +
        'Protection of Classified Military Information',
      parties: ['KOR', 'JPN'],
      kind: 'bilateral',
      hub: null,
      scopeTopics: null,
      contractorsAllowed: true,
      termYears: 1,
      noticeDays: 90,
      timeZone: 'Asia/Seoul',
      table: [{ tier: 'C', levels: { KOR: ['III'], JPN: ['HI'] } }],
      events: [{ type: 'entry-into-force', date: '2016-11-23' }],
    },
  ],
};

/** The registry as the node decides by it: the document `registry/` compiles (parties, schemes, agreements). */
const RegistryAnswer = documented(
  Registry,
  "the node's registry as a registry document: parties with their names and schemes (levels with native names), " +
    'agreements with their parties, equivalence tables and dated events. Compile it with the same code the ' +
    'node uses to get tiers, equivalences and each agreement’s state on any date.',
  EXAMPLE,
);

/**
 * `GET /api/v1/registry`: what the node decides by, for any signed-in person, so a browser previews labels
 * with the node's own pure core and the agreements screen shows states and timelines. The document, not a
 * compiled form: compiling it is the receiver's, with the same validation.
 */
export async function registryRoutes(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  app.get(
    '/api/v1/registry',
    {
      schema: {
        tags: ['registry'],
        summary: "The node's registry: parties, classification schemes and agreements",
        response: { 200: RegistryAnswer, ...apiErrors(401) },
      },
    },
    async () => opts.node.registry.source,
  );
}
