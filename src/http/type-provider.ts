import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyTypeProvider } from 'fastify';

/**
 * Route types inferred from the project's TypeBox schemas (@sinclair/typebox 0.34). The packaged
 * @fastify/type-provider-typebox 6 targets the newer `typebox` 1.x package, whose types do not see 0.34
 * schemas, so this is the same five lines against the schemas relto already has (one schema → validation,
 * types, OpenAPI).
 */
export interface TypeBoxProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}
