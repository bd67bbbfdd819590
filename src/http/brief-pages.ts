import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { briefWords, escapeHtml } from '../brief/index.js';
import { fromAcceptLanguage, type Lang } from '../label/index.js';
import type { NodeService } from '../node/index.js';
import type { TypeBoxProvider } from './type-provider.js';

/**
 * The pages a brief's mail links to, without signing in (the link is the credential): the confirmation of a
 * subscription, and unsubscribing. One POST to the unsubscribe link ends the subscription (RFC 8058 one-click,
 * what mail clients send); a GET only shows a button for it, since mail scanners follow links on their own.
 */

const TokenQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) });

function page(reply: FastifyReply, status: number, lang: Lang, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    );
}

export async function briefPages(parent: FastifyInstance, opts: { node: NodeService }): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxProvider>();
  const { node } = opts;
  // RFC 8058: the one-click POST carries `List-Unsubscribe=One-Click` as a form; the token is in the URL.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'],
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, _body, done) => done(null, {}),
  );
  const langOf = (header: string | undefined): Lang => fromAcceptLanguage(header) ?? 'en';

  app.get('/brief/confirm', { schema: { hide: true, querystring: TokenQuery } }, async (request, reply) => {
    const fallback = langOf(request.headers['accept-language']);
    if (!node.brief) return reply.code(404).send();
    try {
      const s = await node.brief.confirm(request.query.token);
      const w = briefWords[s.lang];
      return page(
        reply,
        200,
        s.lang,
        w.confirmed,
        `<p>${escapeHtml(w.confirmedDetail(s.time, s.timeZone))}</p>`,
      );
    } catch {
      const w = briefWords[fallback];
      return page(reply, 404, fallback, w.confirmSubject, `<p>${escapeHtml(w.confirmGone)}</p>`);
    }
  });
  app.get(
    '/brief/unsubscribe',
    { schema: { hide: true, querystring: TokenQuery } },
    async (request, reply) => {
      const lang = langOf(request.headers['accept-language']);
      const w = briefWords[lang];
      const action = `/brief/unsubscribe?token=${encodeURIComponent(request.query.token)}`;
      return page(
        reply,
        200,
        lang,
        w.unsubscribeTitle,
        `<p>${escapeHtml(w.unsubscribeAsk)}</p><form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(w.unsubscribe)}</button></form>`,
      );
    },
  );
  app.post(
    '/brief/unsubscribe',
    { schema: { hide: true, querystring: TokenQuery } },
    async (request, reply) => {
      const fallback = langOf(request.headers['accept-language']);
      const ended = node.brief ? await node.brief.unsubscribe(request.query.token) : null;
      if (!ended) {
        const w = briefWords[fallback];
        return page(reply, 404, fallback, w.unsubscribeTitle, `<p>${escapeHtml(w.unsubscribeGone)}</p>`);
      }
      const w = briefWords[ended.lang];
      return page(reply, 200, ended.lang, w.unsubscribeTitle, `<p>${escapeHtml(w.unsubscribed)}</p>`);
    },
  );
}
