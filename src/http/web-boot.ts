import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLang, partyLang } from '../label/index.js';
import { SESSION_COOKIE } from './auth.js';

/**
 * What the page's first screen would ask for as soon as its script ran, answered with the page itself: the
 * node's health (party, time zone), the tab's session, and for a report's deep link the report and the
 * registry. Each answer is the node's own API asked with the browser's own cookie (an inject through the
 * same routes, the same authentication and the same decisions), so the page can carry nothing the browser
 * could not have fetched (R7, R10: what the person may not read stays out of the page, as it stays out of
 * the API's answer). Without this, the page waits for its script, then for each answer in turn.
 */
export interface WebBoot {
  healthz?: unknown;
  /** The cookie's session, null when the tab has none; absent when the node could not tell (the page asks). */
  session?: { csrf: string; person: { party: string; lang: string | null } } | null;
  /** API answers by the path the page's client asks them under (`/items/<id>?lang=ko`, `/registry`). */
  answers: Record<string, unknown>;
}

async function ask(app: FastifyInstance, url: string, cookie?: string): Promise<unknown> {
  const res = await app.inject({
    method: 'GET',
    url,
    headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
  });
  return res.statusCode === 200 ? res.json() : undefined;
}

export async function webBoot(app: FastifyInstance, request: FastifyRequest): Promise<WebBoot> {
  const boot: WebBoot = { answers: {} };
  const cookie = request.headers.cookie;
  const hasSession = request.cookies?.[SESSION_COOKIE] !== undefined;
  const [healthz, session] = await Promise.all([
    ask(app, '/healthz'),
    hasSession ? ask(app, '/api/v1/session', cookie) : Promise.resolve(null),
  ]);
  if (healthz !== undefined) boot.healthz = healthz;
  // A cookie the node no longer knows (expired, signed out) is a signed-out tab, as the page's own ask would find.
  boot.session = (session ?? null) as WebBoot['session'];
  if (!boot.session) return boot;

  // A report's deep link: the reader's first two asks, in the language the page will choose (the address's,
  // the person's, their party's).
  const item = /^\/items\/([^/?#]+)/.exec(request.url);
  if (item) {
    let id: string;
    try {
      id = decodeURIComponent(item[1]!);
    } catch {
      return boot; // a malformed address: the page shows the API's own error when it asks
    }
    const asked = (request.query as Record<string, unknown> | undefined)?.lang;
    const person = boot.session.person;
    const lang =
      typeof asked === 'string' && isLang(asked)
        ? asked
        : person.lang && isLang(person.lang)
          ? person.lang
          : partyLang(person.party);
    const itemPath = `/items/${encodeURIComponent(id)}?lang=${lang}`;
    const [answer, registry] = await Promise.all([
      ask(app, `/api/v1${itemPath}`, cookie),
      ask(app, '/api/v1/registry', cookie),
    ]);
    if (answer !== undefined) boot.answers[itemPath] = answer;
    if (registry !== undefined) boot.answers['/registry'] = registry;
  }
  return boot;
}

/**
 * The boot answers as a data block the page reads (`type="application/json"` never runs, so the CSP's no
 * inline script holds). `<` is escaped so no text in an answer can close the element.
 */
export function bootElement(boot: WebBoot): string {
  const json = JSON.stringify(boot)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" id="relto-boot">${json}</script>`;
}
