import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { ReltoError } from '../errors/index.js';

/** The node's Prometheus metrics: one registry per app, so several apps (tests, demo) never collide. */
export interface HttpMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
  /** Answers of `POST /api/v1/decide` and refusals by the rules elsewhere, by outcome. */
  decisions: Counter<'outcome'>;
  /** Objects accepted by posts (TAXII and API). */
  objectsPosted: Counter<'via'>;
}

export function createMetrics(defaultMetrics: boolean): HttpMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'relto_' });
  return {
    registry,
    requests: new Counter({
      name: 'relto_http_requests_total',
      help: 'HTTP requests served, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'relto_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'relto_decisions_total',
      help: 'Decisions answered over HTTP (decide) and operations refused by the rules, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    objectsPosted: new Counter({
      name: 'relto_objects_posted_total',
      help: 'STIX objects stored by posts, by edge',
      labelNames: ['via'],
      registers: [registry],
    }),
  };
}

/** Counts and times every response by its route pattern (never the raw URL: ids would explode the series). */
export function instrument(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });
}

/** Who may read `/metrics`: anyone who reaches the port, only a bearer of `token`, or no one (no route). */
export type MetricsAccess = 'open' | 'off' | { token: string };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * `GET /metrics` in Prometheus text, as `access` allows: with a token, a request without
 * `Authorization: Bearer <token>` is 401 in the API's error envelope; `off` serves no route (404).
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: HttpMetrics,
  access: MetricsAccess,
): void {
  if (access === 'off') return;
  const expected = typeof access === 'object' ? digest(access.token) : null;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      // Compared as digests: equal length, constant time, whatever the caller sent.
      if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
        reply.header('www-authenticate', 'Bearer realm="relto metrics"');
        throw new ReltoError(
          'UNAUTHENTICATED',
          'the metrics need the bearer token the node was started with',
        );
      }
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
