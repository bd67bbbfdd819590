import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ReltoError } from '../../errors/index.js';
import type { NodeService, Person } from '../../node/index.js';
import { personOf, SESSION_COOKIE, signInWith, signInWithCookie } from '../auth.js';
import type { TypeBoxProvider } from '../type-provider.js';
import { Me, MeBody, SignedIn, SignInBody, WebSession } from './people-schemas.js';
import { apiErrors, NoContent } from './shared-schemas.js';

export interface SessionOptions {
  node: NodeService;
  /** The edge's one authenticator (HTTP Basic, bearer, or the cookie with its CSRF check). */
  authenticate: (request: FastifyRequest) => Promise<void>;
}

const errors = apiErrors(400, 401, 403);

/** The person as the web workspace gets it with its session. */
function sessionPerson(p: Person) {
  return { name: p.name, party: p.party, clearance: p.clearance, roles: [...p.roles], lang: p.lang ?? null };
}

function me(p: Person) {
  return {
    ...sessionPerson(p),
    ...(p.designations ? { designations: p.designations } : {}),
  };
}

/** The cookie's attributes: only this node's pages send it (SameSite), no script reads it, TLS keeps it so. */
function cookieOptions(request: FastifyRequest, expires?: Date) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    ...(expires ? { expires } : {}),
  };
}

/**
 * Sessions and the signed-in person under /api/v1: a bearer token for the CLI (HTTP Basic, empty body), a
 * cookie session for the browser (`{"user", "password"}`), sign-out, and the person's own settings.
 * Registered outside the API's authenticating scope, since a browser signs in before it has a session.
 */
export async function sessionRoutes(parent: FastifyInstance, opts: SessionOptions): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node, authenticate } = opts;
  const p = '/api/v1';

  async function webSession(request: FastifyRequest, reply: FastifyReply, person: Person) {
    const issued = await node.issueToken(person, 'session');
    // Signing in again replaces the browser's session: the one it held is signed out.
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await node.revokeToken(previous);
    reply.setCookie(SESSION_COOKIE, issued.token, cookieOptions(request, new Date(issued.expiresAt)));
    return { csrf: await node.sessionCsrf(issued.token), person: sessionPerson(person) };
  }

  app.post(
    `${p}/session`,
    {
      schema: {
        tags: ['session'],
        summary:
          'Sign in: a browser with its name and password (session cookie), the CLI with HTTP Basic (token)',
        description:
          'With `{"user", "password"}` the node sets the cookie `relto_session` and answers the CSRF value ' +
          'every change made with that cookie carries as `X-Relto-CSRF`. With an empty body and HTTP Basic ' +
          'it issues a bearer token. Both go through the same throttled, audited password check.',
        security: [],
        body: SignInBody,
        response: { 201: SignedIn, ...errors, ...apiErrors(429) },
      },
    },
    async (request, reply) => {
      const { user, password } = request.body;
      if (user !== undefined || password !== undefined) {
        if (user === undefined)
          throw new ReltoError('MALFORMED_REQUEST', 'a sign-in names the user', '/user');
        if (password === undefined) {
          throw new ReltoError('MALFORMED_REQUEST', 'a sign-in gives the password', '/password');
        }
        const person = await node.authenticateBasic(user, password, request.ip);
        if (!person) throw new ReltoError('UNAUTHENTICATED', 'unknown user or wrong password');
        return reply.code(201).send(await webSession(request, reply, person));
      }
      const header = request.headers.authorization;
      if (header === undefined) {
        throw new ReltoError('UNAUTHENTICATED', 'sign in with {"user", "password"} or with HTTP Basic');
      }
      const { person } = await signInWith(node, header, request.ip);
      if (!person)
        throw new ReltoError('UNAUTHENTICATED', 'unknown user, wrong password, or an unknown token');
      return reply.code(201).send(await node.issueToken(person, 'token'));
    },
  );
  app.get(
    `${p}/session`,
    {
      schema: {
        tags: ['session'],
        summary: "The browser's session: its CSRF value again (after a reload) and the person",
        security: [],
        response: { 200: WebSession, ...errors },
      },
    },
    async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const person = token ? await signInWithCookie(node, token) : null;
      if (!token || !person) throw new ReltoError('UNAUTHENTICATED', 'this browser is not signed in');
      return { csrf: await node.sessionCsrf(token), person: sessionPerson(person) };
    },
  );
  app.delete(
    `${p}/session`,
    {
      onRequest: authenticate,
      schema: {
        tags: ['session'],
        summary:
          "Sign out: revokes this request's bearer token or the browser's session (and clears its cookie)",
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      if (request.bearer) await node.revokeToken(request.bearer);
      if (request.sessionToken) await node.revokeToken(request.sessionToken);
      if (request.cookies[SESSION_COOKIE] !== undefined) {
        reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${p}/me`,
    {
      onRequest: authenticate,
      schema: { tags: ['session'], summary: 'The signed-in person', response: { 200: Me, ...errors } },
    },
    async (request) => me(personOf(request)),
  );
  app.patch(
    `${p}/me`,
    {
      onRequest: authenticate,
      schema: {
        tags: ['session'],
        summary: "Change the signed-in person's own settings (the web workspace's language)",
        body: MeBody,
        response: { 200: Me, ...errors },
      },
    },
    async (request) => me(await node.setLang(personOf(request), request.body.lang)),
  );
}
