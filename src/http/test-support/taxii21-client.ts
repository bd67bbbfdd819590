/*
 * A TAXII 2.1 client written from the OASIS TAXII 2.1 specification's text (OASIS Standard, June 2021), not
 * from relto's code: it imports nothing of relto. It speaks HTTP through fetch and checks, on every answer,
 * what the standard says a server MUST send, throwing a `Violation` naming the resource or endpoint otherwise. The
 * conformance suite drives a node with it; any TAXII 2.1 server should pass its checks.
 */

/** The media type of every TAXII 2.1 request and response body. */
export const TAXII21 = 'application/taxii+json;version=2.1';
export const STIX21 = 'application/stix+json;version=2.1';

/** A server answer that the standard does not allow. */
export class Violation extends Error {
  constructor(section: string, message: string) {
    super(`TAXII 2.1, ${section}: ${message}`);
  }
}

/** A server's error answer, as the client received it. */
export class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Headers,
  ) {
    super(`HTTP ${status}: ${String(body.title)}`);
  }
}

export interface Envelope {
  more?: boolean;
  next?: string;
  objects?: Record<string, unknown>[];
}
export interface ManifestRecord {
  id: string;
  date_added: string;
  version: string;
  media_type?: string;
}
export interface Page<T> {
  body: T;
  /** The X-TAXII-Date-Added-First and -Last headers. */
  first?: string;
  last?: string;
}
export interface Status {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp?: string;
  total_count: number;
  success_count: number;
  successes?: { id: string; version?: string; message?: string }[];
  failure_count: number;
  failures?: { id: string; version?: string; message?: string }[];
  pending_count: number;
  pendings?: { id: string; version?: string }[];
}

/** The URL parameters of the object endpoints. */
export interface Filter {
  added_after?: string;
  limit?: number;
  next?: string;
  id?: string[];
  type?: string[];
  version?: string[];
  spec_version?: string[];
}

/** A TAXII "timestamp" is an RFC 3339 string in UTC ("Z"). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function check(ok: unknown, section: string, message: string): asserts ok {
  if (!ok) throw new Violation(section, message);
}

function query(filter: Filter = {}): string {
  const q = new URLSearchParams();
  if (filter.added_after !== undefined) q.set('added_after', filter.added_after);
  if (filter.limit !== undefined) q.set('limit', String(filter.limit));
  if (filter.next !== undefined) q.set('next', filter.next);
  // match: several values of one match field are given comma-separated, and OR-ed.
  for (const field of ['id', 'type', 'version', 'spec_version'] as const) {
    const values = filter[field];
    if (values?.length) q.set(`match[${field}]`, values.join(','));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** An error message resource. */
function checkError(status: number, body: Record<string, unknown>): void {
  check(typeof body.title === 'string' && body.title !== '', 'error message', `error ${status} has no title`);
  if (body.http_status !== undefined) {
    check(
      String(body.http_status) === String(status),
      'error message',
      'http_status differs from the HTTP status',
    );
  }
  for (const k of ['description', 'error_id', 'error_code', 'external_details'] as const) {
    if (body[k] !== undefined) check(typeof body[k] === 'string', 'error message', `${k} is not a string`);
  }
}

function checkEnvelope(body: Envelope): void {
  if (body.more !== undefined) check(typeof body.more === 'boolean', 'envelope', 'more is not a boolean');
  if (body.more === true) check(typeof body.next === 'string', 'envelope', 'more is true without next');
  if (body.objects !== undefined) {
    check(Array.isArray(body.objects) && body.objects.length > 0, 'envelope', 'objects is present but empty');
    for (const o of body.objects) {
      check(
        typeof o.id === 'string' && typeof o.type === 'string',
        'envelope',
        'an object without id or type',
      );
    }
  }
}

export class Taxii21Client {
  constructor(
    private readonly auth: string,
    private readonly accept = TAXII21,
  ) {}

  static basic(user: string, password: string, accept?: string): Taxii21Client {
    return new Taxii21Client(`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, accept);
  }

  /** One request; a 2xx answer's body, checked for the TAXII media type, or a TaxiiError. */
  async request<T>(
    method: string,
    url: string,
    options: { body?: string; contentType?: string; accept?: string; auth?: boolean } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: options.accept ?? this.accept };
    if (options.auth !== false) headers.authorization = this.auth;
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? TAXII21;
    const res = await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await res.text();
    const type = res.headers.get('content-type');
    let body = {} as T;
    if (text !== '') {
      // media type: a body in TAXII 2.1 carries the TAXII media type.
      check(type?.replace(/\s/g, '') === TAXII21, 'media type', `answered ${res.status} as ${type}`);
      body = JSON.parse(text) as T;
    }
    if (res.status >= 400) {
      checkError(res.status, body as Record<string, unknown>);
      throw new TaxiiError(res.status, body as Record<string, unknown>, res.headers);
    }
    return { status: res.status, body, headers: res.headers };
  }

  private page<T>(r: { body: T; headers: Headers }): Page<T> {
    const first = r.headers.get('x-taxii-date-added-first') ?? undefined;
    const last = r.headers.get('x-taxii-date-added-last') ?? undefined;
    for (const h of [first, last])
      if (h !== undefined) check(TIMESTAMP.test(h), 'X-TAXII-Date-Added headers', `header ${h}`);
    return { body: r.body, ...(first ? { first } : {}), ...(last ? { last } : {}) };
  }

  /** Server Discovery. */
  async discovery(url: string): Promise<{ title: string; default?: string; api_roots?: string[] }> {
    const { status, body } = await this.request<{ title: string; default?: string; api_roots?: string[] }>(
      'GET',
      url,
    );
    check(status === 200, 'server discovery', `discovery answered ${status}`);
    check(typeof body.title === 'string', 'discovery resource', 'discovery has no title');
    for (const root of body.api_roots ?? [])
      check(URL.canParse(root), 'discovery resource', `api_root ${root}`);
    return body;
  }

  /** Get API Root Information. */
  async apiRoot(url: string): Promise<{ title: string; versions: string[]; max_content_length: number }> {
    const { status, body } = await this.request<{
      title: string;
      versions: string[];
      max_content_length: number;
    }>('GET', url);
    check(status === 200, 'get API root information', `API root answered ${status}`);
    check(typeof body.title === 'string', 'API root resource', 'API root has no title');
    check(
      Array.isArray(body.versions) && body.versions.includes(TAXII21),
      'API root resource',
      'versions lacks 2.1',
    );
    check(
      Number.isInteger(body.max_content_length),
      'API root resource',
      'max_content_length is not an integer',
    );
    return body;
  }

  /** Get Status. */
  async status(apiRoot: string, id: string): Promise<Status> {
    const { status, body } = await this.request<Status>('GET', `${apiRoot}status/${id}/`);
    check(status === 200, 'get status', `status answered ${status}`);
    return checkStatus(body);
  }

  /** Get Collections. */
  async collections(apiRoot: string): Promise<Record<string, unknown>[]> {
    const { status, body } = await this.request<{ collections?: Record<string, unknown>[] }>(
      'GET',
      `${apiRoot}collections/`,
    );
    check(status === 200, 'get collections', `collections answered ${status}`);
    for (const c of body.collections ?? []) checkCollection(c);
    return body.collections ?? [];
  }

  /** Get a Collection. */
  async collection(apiRoot: string, id: string): Promise<Record<string, unknown>> {
    const { status, body } = await this.request<Record<string, unknown>>(
      'GET',
      `${apiRoot}collections/${id}/`,
    );
    check(status === 200, 'get a collection', `collection answered ${status}`);
    return checkCollection(body);
  }

  /** Get Objects. */
  async getObjects(collection: string, filter?: Filter): Promise<Page<Envelope>> {
    const r = await this.request<Envelope>('GET', `${collection}objects/${query(filter)}`);
    check(r.status === 200, 'get objects', `get objects answered ${r.status}`);
    checkEnvelope(r.body);
    return this.page(r);
  }

  /** Add Objects: the status resource of a 202. */
  async addObjects(collection: string, objects: unknown[], contentType = TAXII21): Promise<Status> {
    const { status, body } = await this.request<Status>('POST', `${collection}objects/`, {
      body: JSON.stringify({ objects }),
      contentType,
    });
    check(status === 202, 'add objects', `add objects answered ${status}`);
    return checkStatus(body);
  }

  /** Get an Object. */
  async getObject(collection: string, id: string, filter?: Filter): Promise<Page<Envelope>> {
    const r = await this.request<Envelope>('GET', `${collection}objects/${id}/${query(filter)}`);
    check(r.status === 200, 'get an object', `get an object answered ${r.status}`);
    checkEnvelope(r.body);
    for (const o of r.body.objects ?? [])
      check(o.id === id, 'get an object', `answered ${String(o.id)} for ${id}`);
    return this.page(r);
  }

  /** Delete an Object. */
  async deleteObject(collection: string, id: string, filter?: Filter): Promise<void> {
    const { status } = await this.request('DELETE', `${collection}objects/${id}/${query(filter)}`);
    check(status === 200, 'delete an object', `delete answered ${status}`);
  }

  /** Get Object Versions. */
  async versions(
    collection: string,
    id: string,
    filter?: Filter,
  ): Promise<Page<{ more?: boolean; next?: string; versions?: string[] }>> {
    const r = await this.request<{ more?: boolean; next?: string; versions?: string[] }>(
      'GET',
      `${collection}objects/${id}/versions/${query(filter)}`,
    );
    check(r.status === 200, 'get object versions', `versions answered ${r.status}`);
    for (const v of r.body.versions ?? []) check(TIMESTAMP.test(v), 'versions resource', `version ${v}`);
    return this.page(r);
  }

  /** Get Object Manifests. */
  async manifest(
    collection: string,
    filter?: Filter,
  ): Promise<Page<{ more?: boolean; next?: string; objects?: ManifestRecord[] }>> {
    const r = await this.request<{ more?: boolean; next?: string; objects?: ManifestRecord[] }>(
      'GET',
      `${collection}manifest/${query(filter)}`,
    );
    check(r.status === 200, 'get object manifests', `manifest answered ${r.status}`);
    for (const m of r.body.objects ?? []) {
      check(typeof m.id === 'string', 'manifest record', 'a manifest record without id');
      check(TIMESTAMP.test(m.date_added), 'manifest record', `date_added ${m.date_added}`);
      check(TIMESTAMP.test(m.version), 'manifest record', `version ${m.version}`);
    }
    return this.page(r);
  }

  /** Every object of the collection by `next` (pagination), each page at most `limit` objects. */
  async allByNext(
    collection: string,
    limit: number,
    filter: Filter = {},
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let next: string | undefined;
    for (;;) {
      const { body } = await this.getObjects(collection, { ...filter, limit, ...(next ? { next } : {}) });
      const objects = body.objects ?? [];
      check(objects.length <= limit, 'pagination', `a page of ${objects.length} objects at limit=${limit}`);
      out.push(...objects);
      if (!body.more) return out;
      next = body.next;
    }
  }

  /** Every object of the collection by `added_after` from each page's X-TAXII-Date-Added-Last . */
  async allByAddedAfter(
    collection: string,
    limit: number,
    filter: Filter = {},
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let after = filter.added_after;
    for (;;) {
      const page = await this.getObjects(collection, {
        ...filter,
        limit,
        ...(after ? { added_after: after } : {}),
      });
      const objects = page.body.objects ?? [];
      if (objects.length === 0) return out;
      check(
        page.last !== undefined,
        'X-TAXII-Date-Added headers',
        'a page of objects without X-TAXII-Date-Added-Last',
      );
      check(objects.length <= limit, 'pagination', `a page of ${objects.length} objects at limit=${limit}`);
      out.push(...objects);
      after = page.last;
    }
  }
}

function checkStatus(body: Status): Status {
  check(typeof body.id === 'string', 'status resource', 'status without id');
  check(
    body.status === 'complete' || body.status === 'pending',
    'status resource',
    `status ${String(body.status)}`,
  );
  for (const k of ['total_count', 'success_count', 'failure_count', 'pending_count'] as const) {
    check(Number.isInteger(body[k]), 'status resource', `${k} is not an integer`);
  }
  check(
    body.success_count + body.failure_count + body.pending_count === body.total_count,
    'status resource',
    'the counts do not add up to total_count',
  );
  if (body.successes)
    check(body.successes.length === body.success_count, 'status resource', 'successes ≠ success_count');
  if (body.failures)
    check(body.failures.length === body.failure_count, 'status resource', 'failures ≠ failure_count');
  return body;
}

function checkCollection(c: Record<string, unknown>): Record<string, unknown> {
  check(typeof c.id === 'string', 'collection resource', 'collection without id');
  check(typeof c.title === 'string', 'collection resource', 'collection without title');
  check(
    typeof c.can_read === 'boolean' && typeof c.can_write === 'boolean',
    'collection resource',
    'can_read/can_write',
  );
  if (c.media_types !== undefined) check(Array.isArray(c.media_types), 'collection resource', 'media_types');
  return c;
}
