import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, errorCodes, ReltoError } from '../errors/index.js';
import { retryAfterOf } from './auth.js';
import { TAXII_MEDIA_TYPE } from './taxii/media.js';

/** The realm every 401 names, so browsers and `curl --basic` know to send HTTP Basic. */
export const BASIC_CHALLENGE = 'Basic realm="relto", charset="UTF-8"';

/** Fastify's own error codes that mean the client sent something we refuse, by our code. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Any error met while serving a request, as the one error type the API shows. */
export function asReltoError(error: unknown, request?: FastifyRequest): ReltoError {
  if (error instanceof ReltoError) return error;
  const e = error as Partial<FastifyError> & {
    validation?: {
      instancePath?: string;
      message?: string;
      keyword?: string;
      params?: Record<string, unknown>;
    }[];
  };
  if (e?.validation && e.validation.length > 0) {
    const first = e.validation[0]!;
    const where = e.validationContext ?? 'request';
    // A property the route does not define is refused by name, never ignored.
    const extra = first.keyword === 'additionalProperties' ? first.params?.additionalProperty : undefined;
    if (typeof extra === 'string') {
      const at = first.instancePath ?? '';
      return new ReltoError(
        'MALFORMED_REQUEST',
        `${where}${at} has the property "${extra}", which this route does not take`,
        `${at}/${extra.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      );
    }
    // A missing property is named by where it belongs, as a wrong one is.
    const missing = first.keyword === 'required' ? first.params?.missingProperty : undefined;
    const at = `${first.instancePath ?? ''}${typeof missing === 'string' ? `/${missing.replaceAll('~', '~0').replaceAll('/', '~1')}` : ''}`;
    return new ReltoError(
      'MALFORMED_REQUEST',
      `${where}${first.instancePath ?? ''} ${first.message ?? 'is not valid'}`,
      at,
    );
  }
  if (e?.code && fastifyCodes[e.code]) {
    const code = fastifyCodes[e.code]!;
    if (code === 'UNSUPPORTED_MEDIA_TYPE' && request) {
      const sent = request.headers['content-type'];
      const wanted = isTaxiiRequest(request) ? TAXII_MEDIA_TYPE : 'application/json';
      return new ReltoError(
        code,
        sent
          ? `a body of type ${sent} is not accepted here: send ${wanted}`
          : `the body needs a type: send ${wanted}`,
      );
    }
    if (code === 'PAYLOAD_TOO_LARGE') return new ReltoError(code);
    return new ReltoError(code, e.message);
  }
  // A SyntaxError from a body parser is malformed JSON.
  if (error instanceof SyntaxError) return new ReltoError('MALFORMED_REQUEST', error.message);
  return new ReltoError('INTERNAL');
}

/** True for the TAXII part of the node, whose errors are TAXII error messages (TAXII 2.1 §3.6.1). */
export function isTaxiiRequest(request: FastifyRequest): boolean {
  return (
    request.url === '/taxii2' || request.url.startsWith('/taxii2/') || request.url.startsWith('/taxii2?')
  );
}

/**
 * Whether a 401 should carry the Basic challenge: yes for programs and for a page the person opened, no for a
 * page's own script (a browser's `Sec-Fetch-Mode` other than navigate), which would otherwise make the browser
 * open its own password dialog over the web workspace's sign-in.
 */
export function wantsChallenge(headers: Record<string, string | string[] | undefined>): boolean {
  const mode = headers['sec-fetch-mode'];
  return mode === undefined || mode === 'navigate';
}

/** Sends `error` as `{"error": {code, message, path}}`, or as a TAXII error message on TAXII routes. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: ReltoError): FastifyReply {
  const status = errorCodes[error.code].status;
  // A TAXII client is told how to sign in whatever its fetch mode: the workspace never calls TAXII.
  const challenge = isTaxiiRequest(request) || wantsChallenge(request.headers);
  if (status === 401 && !reply.hasHeader('www-authenticate') && challenge)
    reply.header('www-authenticate', BASIC_CHALLENGE);
  const wait = retryAfterOf(error);
  if (wait !== null) reply.header('retry-after', String(wait));
  reply.code(status);
  if (isTaxiiRequest(request)) {
    const details: Record<string, unknown> = {};
    if (error.path !== '') details.path = error.path;
    if (error.details !== undefined) details.details = error.details;
    const body: Record<string, unknown> = {
      title: errorCodes[error.code].message,
      description: error.message,
      error_id: request.id,
      error_code: error.code,
      http_status: String(status),
    };
    if (Object.keys(details).length > 0) body.details = details;
    return reply.type(TAXII_MEDIA_TYPE).serializer(JSON.stringify).send(body);
  }
  return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(error.toJSON());
}
