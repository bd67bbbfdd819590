import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { ReltoError } from '../errors/index.js';
import type { NodeService } from '../node/index.js';
import { apiRoutes } from './api/routes.js';
import { sessionRoutes } from './api/session-routes.js';
import { authenticator } from './auth.js';
import { briefPages } from './brief-pages.js';
import { asReltoError, sendError } from './errors.js';
import { RouteMethods } from './methods.js';
import {
  createMetrics,
  type HttpMetrics,
  instrument,
  type MetricsAccess,
  registerMetricsRoute,
} from './metrics.js';
import { optionalBodies } from './openapi.js';
import { securityHeaders } from './security-headers.js';
import { apiRootPath, taxiiRoutes } from './taxii/routes.js';
import type { TypeBoxProvider } from './type-provider.js';
import { validatorCompiler } from './validation.js';
import { webWorkspace } from './web.js';
import { registerTrackStream, type TrackStreamSource } from './ws.js';

/** TAXII 2.1 asks for at least 16 MiB (contracts §7); this node takes twice that by default. */
export const DEFAULT_MAX_CONTENT_LENGTH = 32 * 1024 * 1024;
export const DEFAULT_MAX_PAGE_SIZE = 1000;

export interface AppOptions {
  /** Largest request body (TAXII `max_content_length`); default 32 MiB, never below what TAXII needs in tests. */
  maxContentLength?: number;
  /** Most objects in one page, whatever `limit` asks; default 1000. */
  maxPageSize?: number;
  /** pino options, `true` for defaults, or false (default) for a quiet app (tests, benches). */
  logger?: FastifyServerOptions['logger'];
  /** Process metrics (CPU, memory, event loop) beside the HTTP ones; default false (tests make many apps). */
  defaultMetrics?: boolean;
  /** Who may read /metrics: 'open' (default), 'off', or only a bearer of a token. */
  metricsAccess?: MetricsAccess;
  /** Serve HTTPS with this certificate and key (PEM) instead of plain HTTP. */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** The node's track services, streamed at /api/v1/tracks/stream; absent, that stream says they are not running. */
  tracks?: TrackStreamSource;
  /** The built web workspace to serve at `/` (default: `dist/web` of the package); tests give a folder of their own. */
  webRoot?: string;
}

export type ReltoApp = FastifyInstance & { metrics: HttpMetrics };

/**
 * The node's HTTP edge: the web workspace at /, TAXII 2.1 at /taxii2/, the node API at /api/v1/, OpenAPI
 * at /docs, Prometheus text at /metrics and /healthz. Routes are thin: every answer comes from `node` acting as the person
 * who signed in (HTTP Basic, a bearer token, or the web workspace's session cookie).
 *
 * @example const app = await buildApp(node); await app.listen({ host: '127.0.0.1', port: 7410 });
 */
export async function buildApp(node: NodeService, opts: AppOptions = {}): Promise<ReltoApp> {
  const maxContentLength = opts.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  const maxPageSize = opts.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: maxContentLength,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    ...((opts.https ? { https: opts.https } : {}) as object),
  }).withTypeProvider<TypeBoxProvider>();
  app.setValidatorCompiler(validatorCompiler());
  const metrics = createMetrics(opts.defaultMetrics ?? false);
  app.decorate('metrics', metrics);
  app.decorateRequest('person', null);
  app.decorateRequest('bearer', null);
  app.decorateRequest('sessionToken', null);
  // The web workspace's session cookie (read only; the cookie holds a random session token, so it is not signed).
  await app.register(cookie);

  // Every route's methods, so a known address asked with another method is a 405 naming those it takes.
  const routes = new RouteMethods();
  app.addHook('onRoute', (route) => routes.add(route.url, route.method));

  // JSON, TAXII and STIX JSON are parsed by Fastify's own parser (prototype-poisoning checks included); an
  // empty body is no body, so a POST that needs none works with or without a JSON content type.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/taxii+json', 'application/stix+json'],
    { parseAs: 'string', bodyLimit: maxContentLength },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      return json(request, text, done);
    },
  );

  app.setErrorHandler((error, request, reply) => {
    const e = asReltoError(error, request);
    if (e.code === 'INTERNAL') request.log.error({ err: error }, 'internal error');
    if (e.code === 'FORBIDDEN') metrics.decisions.inc({ outcome: 'deny' });
    return sendError(request, reply, e);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = routes.allowed(path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        request,
        reply,
        new ReltoError(
          'METHOD_NOT_ALLOWED',
          `${path} does not take ${request.method}: it takes ${allowed.join(', ')}`,
        ),
      );
    }
    return sendError(
      request,
      reply,
      new ReltoError(
        'NOT_FOUND',
        `nothing at ${request.method} ${path} (the node's API is described at /docs)`,
      ),
    );
  });
  instrument(app, metrics);
  securityHeaders(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `relto node ${node.party}`,
        description:
          'The node API (/api/v1) and TAXII 2.1 (/taxii2). Sign in with HTTP Basic, with a bearer token from ' +
          'POST /api/v1/session, or (a browser) with the session cookie that POST /api/v1/session sets for ' +
          '`{"user", "password"}`; a change made with the cookie carries its CSRF value as `X-Relto-CSRF`. ' +
          'Every answer holds only what the signed-in person may read. The API names its ' +
          "own JSON properties in camelCase; the STIX objects it carries keep STIX's snake_case. Errors are " +
          '`{"error": {"code", "message", "path"}}`; a known address asked with another method is 405 with ' +
          '`Allow`, a body of another media type 415.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'relto_session' },
        },
      },
      security: [{ basic: [] }, { bearer: [] }, { session: [] }],
    },
    transformObject: (doc) => optionalBodies('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // The node's time zone (its process's: TZ) is the one the web workspace shows dates in.
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  app.get('/healthz', { schema: { hide: true } }, async () => ({
    status: 'ok',
    party: node.party,
    timeZone,
  }));
  registerMetricsRoute(app, metrics, opts.metricsAccess ?? 'open');

  // Everything else is made as a person.
  const authenticate = authenticator(node);
  // A POST without a body (a custody action, an approval) is an empty object: its schema says what is needed.
  const emptyBody = async (request: FastifyRequest) => {
    if (request.body === undefined && ['POST', 'PUT', 'PATCH'].includes(request.method)) request.body = {};
  };
  await app.register(async (scope) => {
    scope.addHook('onRequest', authenticate);
    await scope.register(taxiiRoutes, { node, metrics, maxContentLength, maxPageSize });
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', authenticate);
    scope.addHook('preValidation', emptyBody);
    await scope.register(apiRoutes, { node, metrics, maxContentLength, maxPageSize });
  });
  // Sessions authenticate route by route: a browser signs in before it has anything to sign in with.
  await app.register(async (scope) => {
    scope.addHook('preValidation', emptyBody);
    await scope.register(sessionRoutes, { node, authenticate });
  });
  // The brief's links in mail: no sign-in, the link is the credential.
  await app.register(briefPages, { node });
  await app.register(webWorkspace, opts.webRoot !== undefined ? { root: opts.webRoot } : {});
  registerTrackStream(app, node, opts.tracks);
  return app as unknown as ReltoApp;
}

export { apiRootPath };
