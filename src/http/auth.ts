import type { FastifyRequest } from 'fastify';
import { ReltoError } from '../errors/index.js';
import type { NodeService, Person } from '../node/service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person (set by `authenticate`; every protected request is made as one). */
    person: Person | null;
    /** The bearer token the request came with, if any (so `DELETE /api/v1/session` can revoke it). */
    bearer: string | null;
  }
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
 * Signs the request in as a person: HTTP Basic (the node caches verified credentials, so this is no
 * scrypt per request) or a bearer token from `POST /api/v1/session`. Missing or bad credentials are 401
 * with the Basic challenge; the node re-reads a changed person at once (R36), so a lowered clearance
 * or a disabled account takes effect on the next request of an open session.
 */
export function authenticator(node: NodeService): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined)
      throw new ReltoError('UNAUTHENTICATED', 'sign in with HTTP Basic or a bearer token');
    let person: Person | null = null;
    const basic = parseBasic(header);
    if (basic) {
      person = await node.authenticateBasic(basic.name, basic.password);
    } else {
      const token = parseBearer(header);
      if (token) {
        person = await node.authenticateToken(token);
        if (person) request.bearer = token;
      }
    }
    if (!person) throw new ReltoError('UNAUTHENTICATED', 'unknown user, wrong password, or an expired token');
    request.person = person;
  };
}

/** The request's person; routes behind `authenticator` always have one. */
export function personOf(request: FastifyRequest): Person {
  if (!request.person) throw new ReltoError('UNAUTHENTICATED');
  return request.person;
}
