import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ReltoError } from '../errors/index.js';
import type { NodeService, Person } from '../node/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person (set by `authenticate`; every protected request is made as one). */
    person: Person | null;
    /** The bearer token the request came with, if any (so `DELETE /api/v1/session` can revoke it). */
    bearer: string | null;
    /** The web session's token when the session cookie signed the request in (so sign-out can revoke it). */
    sessionToken: string | null;
  }
}

/** The web workspace's session cookie: its value is a session token, as a bearer token's is. */
export const SESSION_COOKIE = 'relto_session';
/** The header a cookie-signed change carries, with the CSRF value the sign-in gave. */
export const CSRF_HEADER = 'x-relto-csrf';
/** Methods that change nothing, so a cookie-signed request of them needs no CSRF value. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when `sent` is the CSRF value of `token` (compared in constant time). */
export async function csrfMatches(node: NodeService, token: string, sent: unknown): Promise<boolean> {
  if (typeof sent !== 'string' || sent === '') return false;
  const expected = Buffer.from(await node.sessionCsrf(token));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The person a session cookie signs in, as a bearer token would (an expired one is SESSION_EXPIRED, a
 * disabled or changed person is re-read at once, R36); null for an unknown or signed-out session.
 */
export function signInWithCookie(node: NodeService, token: string): Promise<Person | null> {
  return node.authenticateToken(token);
}

/** Name and password of an `Authorization: Basic …` header, or null when it is not one. */
export function parseBasic(header: string): { name: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function parseBearer(header: string): string | null {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/**
 * The person an `Authorization` header signs in, for every edge that takes one (API, TAXII, the track
 * stream): HTTP Basic goes through the node's one password check, which audits and throttles failures per
 * name and per `address` (R29); a bearer token is looked up. Null when the header signs no one in;
 * TOO_MANY_ATTEMPTS or SESSION_EXPIRED when the node says so.
 */
export async function signInWith(
  node: NodeService,
  header: string,
  address: string | undefined,
): Promise<{ person: Person | null; bearer: string | null }> {
  const basic = parseBasic(header);
  if (basic)
    return { person: await node.authenticateBasic(basic.name, basic.password, address), bearer: null };
  const token = parseBearer(header);
  if (!token) return { person: null, bearer: null };
  return { person: await node.authenticateToken(token), bearer: token };
}

/**
 * Signs the request in as a person: HTTP Basic (the node caches verified credentials, so this is no
 * scrypt per request), a bearer token from `POST /api/v1/session`, or else the web session cookie. Missing
 * or bad credentials are 401 with the Basic challenge, an expired token or session 401 SESSION_EXPIRED, too
 * many failed sign-ins 429 with Retry-After; the node re-reads a changed person at once (R36), so a lowered
 * clearance or a disabled account takes effect on the next request of an open session. A cookie-signed
 * request that changes state must carry the session's CSRF value in X-Relto-CSRF (else 403 CSRF): a
 * browser sends the cookie whichever page asks, but only the node's own pages can read that value.
 */
export function authenticator(node: NodeService): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const { person, bearer } = await signInWith(node, header, request.ip);
      if (!person)
        throw new ReltoError('UNAUTHENTICATED', 'unknown user, wrong password, or an unknown token');
      request.person = person;
      request.bearer = bearer;
      return;
    }
    const token = request.cookies?.[SESSION_COOKIE];
    if (!token) {
      throw new ReltoError('UNAUTHENTICATED', 'sign in with HTTP Basic, a bearer token or the web sign-in');
    }
    const person = await signInWithCookie(node, token);
    if (!person) throw new ReltoError('UNAUTHENTICATED', 'this session was signed out: sign in again');
    if (
      !SAFE_METHODS.has(request.method) &&
      !(await csrfMatches(node, token, request.headers[CSRF_HEADER]))
    ) {
      throw new ReltoError(
        'CSRF',
        'a change made in a signed-in browser needs the X-Relto-CSRF value its sign-in gave',
      );
    }
    request.person = person;
    request.sessionToken = token;
  };
}

/** Seconds a TOO_MANY_ATTEMPTS error asks the client to wait (its `Retry-After`), else null. */
export function retryAfterOf(error: ReltoError): number | null {
  const wait = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
  return error.code === 'TOO_MANY_ATTEMPTS' && typeof wait === 'number' ? wait : null;
}

/** The request's person; routes behind `authenticator` always have one. */
export function personOf(request: FastifyRequest): Person {
  if (!request.person) throw new ReltoError('UNAUTHENTICATED');
  return request.person;
}
