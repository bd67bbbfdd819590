/**
 * The node's own API, as the browser calls it: same origin, the session cookie, and the CSRF header on every
 * request that changes state. The server is the only authority; this only carries requests and their errors.
 */

export interface ApiErrorBody {
  code: string;
  message: string;
  path?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;

/** Set by the session (sign-in or a reloaded page's `GET /api/v1/session`). */
export function setCsrf(value: string | null): void {
  csrf = value;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['x-relto-csrf'] = csrf;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (data as { error?: ApiErrorBody } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
      error?.path,
    );
  }
  return data as T;
}

// Reads started before the screen that wants them is on the page (its address says what it will ask for):
// the screen's first `get` of the same path takes the answer already on its way.
const early = new Map<string, Promise<unknown>>();

export function prefetch(path: string): void {
  if (early.has(path)) return;
  const answer = api<unknown>('GET', path);
  answer.catch(() => undefined); // the screen's own get sees the error
  early.set(path, answer);
}

// The same answers as values, for a screen's first render (it shows them without a render of "loading").
const sent = new Map<string, unknown>();

/** Answers the node sent with the page: the screen's first `get` of each takes it instead of asking. */
export function seed(answers: Record<string, unknown>): void {
  for (const [path, answer] of Object.entries(answers)) {
    early.set(path, Promise.resolve(answer));
    sent.set(path, answer);
  }
}

/**
 * The answer the node sent with the page for `path`, if it did and no one took it yet (the same value the
 * first `get` of it resolves to); a later visit asks afresh.
 */
export function sentWithPage<T>(path: string): T | undefined {
  const answer = sent.get(path) as T | undefined;
  sent.delete(path);
  return answer;
}

export const get = <T>(path: string): Promise<T> => {
  const started = early.get(path);
  if (started) {
    early.delete(path);
    return started as Promise<T>;
  }
  return api<T>('GET', path);
};
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** An error as a person reads it: the server's message and its stable code. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(e);
}
