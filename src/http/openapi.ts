import type { TSchema } from '@sinclair/typebox';
import { type ErrorCode, errorCodes } from '../errors/index.js';

/**
 * What /docs shows for a schema: a description and one example (OpenAPI 3.1 `examples`, which
 * @fastify/swagger turns into the media type's `example`). The schema itself is unchanged for validation.
 */
export function documented<T extends TSchema>(schema: T, description: string, example: unknown): T {
  return { ...schema, description, examples: [example] };
}

/** The code an error answer of each status shows in /docs as its example. */
const exampleCodes: Record<number, ErrorCode> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'MALFORMED_REQUEST',
  501: 'NOT_IMPLEMENTED',
  503: 'BUS_UNAVAILABLE',
};

/**
 * Error answers for the given statuses, each described by what its usual code means and with an example
 * made by `example(code, message)` (the node's envelope, or a TAXII error message).
 */
export function errorAnswers<T extends TSchema>(
  schema: T,
  example: (code: ErrorCode, message: string) => unknown,
  statuses: readonly number[],
): Record<number, T> {
  const out: Record<number, T> = {};
  for (const status of statuses) {
    const code = exampleCodes[status] ?? 'INTERNAL';
    const message = errorCodes[code].message;
    out[status] = documented(schema, message, example(code, message));
  }
  return out;
}

type Spec = {
  paths?: Record<
    string,
    Record<
      string,
      {
        requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: unknown[] } }> };
      }
    >
  >;
};

/**
 * @fastify/swagger marks every request body required; a body whose schema requires no property (a custody
 * action's optional details, an approval) may be left out, and /docs says so.
 */
export function optionalBodies<T>(spec: T): T {
  for (const item of Object.values((spec as Spec).paths ?? {})) {
    for (const op of Object.values(item)) {
      const body = op?.requestBody;
      if (!body?.content) continue;
      const needsSomething = Object.values(body.content).some((m) => (m.schema?.required ?? []).length > 0);
      if (!needsSomething) body.required = false;
    }
  }
  return spec;
}
