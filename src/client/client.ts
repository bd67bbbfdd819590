import { type ErrorCode, errorCodes, ReltoError } from '../errors/index.js';
import type { Answer, DecisionRequest } from '../policy/index.js';

export interface ReltoClientOptions {
  /** The node's base URL, e.g. http://127.0.0.1:7410 */
  node: string;
  user: string;
  password: string;
}

type Json = Record<string, unknown>;

/**
 * A client of a running node's API (/api/v1), as `relto client …` uses it: signs in once with HTTP Basic,
 * then uses the bearer token it got; a refusal by the node is thrown as the node's own error code.
 */
export class ReltoClient {
  readonly #base: string;
  readonly #basic: string;
  #token: string | null = null;

  constructor(options: ReltoClientOptions) {
    let url: URL;
    try {
      url = new URL(options.node);
    } catch {
      throw new ReltoError('INVALID_ARGUMENT', `--node must be a URL, not ${options.node}`, '');
    }
    this.#base = url.href.replace(/\/+$/, '');
    this.#basic = `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`;
  }

  async #request(method: string, path: string, body?: unknown): Promise<Json | null> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: this.#token ? `Bearer ${this.#token}` : this.#basic,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
      throw new ReltoError('NODE_UNREACHABLE', `cannot reach ${this.#base}: ${cause}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) {
      const err = (
        parsed as { error?: { code?: string; message?: string; path?: string; details?: unknown } }
      )?.error;
      if (err?.code && err.code in errorCodes) {
        throw new ReltoError(err.code as ErrorCode, err.message, err.path ?? '', err.details);
      }
      throw new ReltoError('INTERNAL', `the node answered ${res.status} ${res.statusText}`);
    }
    return parsed as Json | null;
  }

  /** Exchanges the password for a bearer token (one password check for the whole command). */
  async signIn(): Promise<void> {
    const answer = (await this.#request('POST', '/api/v1/session')) as { token: string };
    this.#token = answer.token;
  }

  /** Revokes the token; failures are ignored (it expires anyway). */
  async signOut(): Promise<void> {
    if (!this.#token) return;
    try {
      await this.#request('DELETE', '/api/v1/session');
    } catch {
      // the token expires on its own
    }
    this.#token = null;
  }

  /** Subscribes the signed-in person to the daily brief (pending until the mailed link is followed). */
  async subscribeBrief(body: {
    email: string;
    time: string;
    timeZone: string;
    lang: 'ko' | 'ja' | 'en';
    topics: string[];
  }): Promise<Json> {
    return (await this.#request('POST', '/api/v1/brief/subscription', body)) as Json;
  }

  /** Sends every confirmed subscriber's brief of a date now, once each (administrators). */
  async sendBriefs(date?: string): Promise<Json> {
    return (await this.#request('POST', '/api/v1/brief/send', date ? { date } : {})) as Json;
  }

  /** The node's news feeds and their status (administrators). */
  async feeds(): Promise<Json> {
    return (await this.#request('GET', '/api/v1/feeds')) as Json;
  }

  /** Polls a feed now; answers once its items are stored (administrators). */
  async pollFeed(id: string): Promise<Json> {
    return (await this.#request('POST', `/api/v1/feeds/${encodeURIComponent(id)}/poll`, {})) as Json;
  }

  /** Posts a STIX bundle; the node stores all of it or none. */
  async post(bundle: unknown): Promise<Json> {
    return (await this.#request('POST', '/api/v1/items', bundle)) as Json;
  }

  async get(id: string): Promise<Json> {
    return (await this.#request('GET', `/api/v1/items/${encodeURIComponent(id)}`)) as Json;
  }

  /** Every item the person may read (following `next`), with the marking-definitions they use. */
  async list(
    options: { type?: string; pageSize?: number } = {},
  ): Promise<{ items: Json[]; markings: Json[] }> {
    const items: Json[] = [];
    const markings = new Map<string, Json>();
    let next: string | undefined;
    do {
      const q = new URLSearchParams();
      if (options.type) q.set('type', options.type);
      if (options.pageSize) q.set('limit', String(options.pageSize));
      if (next) q.set('next', next);
      const page = (await this.#request('GET', `/api/v1/items?${q}`)) as {
        items: Json[];
        markings: Json[];
        more: boolean;
        next?: string;
      };
      items.push(...page.items);
      for (const m of page.markings) markings.set(`${m.id}|${m.modified ?? m.created}`, m);
      next = page.more ? page.next : undefined;
    } while (next);
    return { items, markings: [...markings.values()] };
  }

  /** The node's decision for the signed-in person (any principal in `request` is ignored by the node). */
  async decide(request: Partial<DecisionRequest>): Promise<Answer> {
    return (await this.#request('POST', '/api/v1/decide', request)) as unknown as Answer;
  }

  async release(item: string, to: string, under?: string): Promise<Json> {
    return (await this.#request('POST', '/api/v1/releases', {
      item,
      to,
      ...(under ? { under } : {}),
    })) as Json;
  }

  async approve(requestId: string): Promise<Json> {
    return (await this.#request('POST', `/api/v1/releases/${encodeURIComponent(requestId)}/approve`)) as Json;
  }

  /** A releasing officer refuses a release request, with an optional note. */
  async refuse(requestId: string, note?: string): Promise<Json> {
    return (await this.#request(
      'POST',
      `/api/v1/releases/${encodeURIComponent(requestId)}/refuse`,
      note === undefined ? {} : { note },
    )) as Json;
  }

  async requestConsent(body: {
    item: string;
    to?: string;
    purpose?: string;
    actions?: string[];
  }): Promise<Json> {
    return (await this.#request('POST', '/api/v1/consent-requests', body)) as Json;
  }

  /** Consent requests this node received (incoming) and sent (outgoing). */
  async consentRequests(): Promise<Json> {
    return (await this.#request('GET', '/api/v1/consent-requests')) as Json;
  }

  async releaseRequests(): Promise<Json> {
    return (await this.#request('GET', '/api/v1/releases')) as Json;
  }

  /** The exchange's alarms (security officers and administrators), optionally only raised or cleared ones. */
  async alarms(status?: 'raised' | 'cleared'): Promise<Json> {
    return (await this.#request(
      'GET',
      `/api/v1/exchange/alarms${status ? `?status=${status}` : ''}`,
    )) as Json;
  }

  /** Clears an alarm with a note (security officers only). */
  async clearAlarm(id: string, note: string): Promise<Json> {
    return (await this.#request('POST', `/api/v1/exchange/alarms/${encodeURIComponent(id)}/clear`, {
      note,
    })) as Json;
  }

  /** An item's custody records (copies, translations, prints, exports, returns, receipt, destruction). */
  async custody(item: string): Promise<Json> {
    return (await this.#request('GET', `/api/v1/items/${encodeURIComponent(item)}/custody`)) as Json;
  }

  /** The compromise reports this node made or was told of. */
  async compromises(): Promise<Json> {
    return (await this.#request('GET', '/api/v1/compromises')) as Json;
  }

  /** Compromise reports partners sent this node (a node without its exchange answers NOT_IMPLEMENTED). */
  async compromisesReceived(): Promise<Json> {
    return (await this.#request('GET', '/api/v1/exchange/compromises')) as Json;
  }

  /** The signed head of the audit log. */
  async auditHead(): Promise<Json> {
    return (await this.#request('GET', '/api/v1/audit/head')) as Json;
  }

  /** Audit entries with index in [from, to). */
  async auditEntries(from: number, to: number): Promise<Json> {
    return (await this.#request('GET', `/api/v1/audit/entries?from=${from}&to=${to}`)) as Json;
  }

  async consent(requestId: string, refuse: boolean): Promise<Json> {
    return (await this.#request('POST', `/api/v1/consent-requests/${encodeURIComponent(requestId)}/answer`, {
      refuse,
    })) as Json;
  }
}
