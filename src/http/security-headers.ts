import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every answer: scripts, styles, fonts and connections from the node itself
 * only (no inline script or style, no eval; `connect-src 'self'` covers the same-origin track WebSocket),
 * images also from `data:` and `blob:` (symbols and map tiles drawn in the page), no plugins, and no page
 * of any origin may frame it. Swagger UI at /docs loads only its own files, so it runs under the same policy.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every answer carries (API, TAXII, the web workspace's files, /docs, errors). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Sets SECURITY_HEADERS on every answer of `app`, errors and 404s included (a root hook reaches them all). */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
}
