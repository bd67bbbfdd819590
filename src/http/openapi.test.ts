import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './test-support/harness.js';
import { nodeFactories } from './test-support/nodes.js';

type Media = { schema?: object; example?: unknown; examples?: Record<string, unknown> };
type Operation = {
  summary?: string;
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const WITH_BODY = new Set(['post', 'put', 'patch']);

function hasExample(m: Media): boolean {
  return m.example !== undefined || (m.examples !== undefined && Object.keys(m.examples).length > 0);
}

/** Every way one operation of the OpenAPI document falls short of what a reader of /docs needs. */
function shortcomings(method: string, op: Operation): string[] {
  const out: string[] = [];
  if (typeof op.summary !== 'string' || op.summary.trim() === '') out.push('no summary');
  if (WITH_BODY.has(method)) {
    const media = Object.entries(op.requestBody?.content ?? {});
    if (media.length === 0) out.push('no request body schema');
    for (const [type, m] of media) {
      if (!m.schema) out.push(`request body ${type}: no schema`);
      if (!hasExample(m)) out.push(`request body ${type}: no example`);
    }
  }
  const responses = Object.entries(op.responses ?? {});
  if (!responses.some(([status]) => /^2\d\d$/.test(status))) out.push('no success answer');
  if (!responses.some(([status]) => /^4\d\d$/.test(status))) out.push('no error answer');
  for (const [status, r] of responses) {
    if (!r.description || r.description === 'Default Response') out.push(`answer ${status}: no description`);
    for (const [type, m] of Object.entries(r.content ?? {})) {
      if (!m.schema) out.push(`answer ${status} ${type}: no schema`);
      if (!hasExample(m)) out.push(`answer ${status} ${type}: no example`);
    }
    // Only 204s and deletions answer nothing (TAXII's DELETE is a 200 without a body).
    if (status !== '204' && method !== 'delete' && /^2/.test(status) && !r.content) {
      out.push(`answer ${status}: no content`);
    }
  }
  return out;
}

describe('the OpenAPI document at /docs/json', () => {
  let h: Harness;
  let spec: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    h = await harness(await nodeFactories['real (SQLite)']!());
    spec = (await h.app.inject({ url: '/docs/json' })).json();
  });
  afterAll(async () => {
    await h?.close();
    await h?.node.close();
  });

  it('gives every route a summary, its body schema with an example, and its answers with examples', () => {
    const problems: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        operations += 1;
        for (const p of shortcomings(method, op)) problems.push(`${method.toUpperCase()} ${path}: ${p}`);
      }
    }
    expect(operations).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it('documents the web workspace’s routes: sessions, the person’s language, the registry', () => {
    expect(Object.keys(spec.paths['/api/v1/session']!).sort()).toEqual(['delete', 'get', 'post']);
    expect(Object.keys(spec.paths['/api/v1/me']!).sort()).toEqual(['get', 'patch']);
    expect(
      spec.paths['/api/v1/registry']!.get!.responses!['200']!.content!['application/json']!.schema,
    ).toMatchObject({ properties: { parties: expect.any(Object), agreements: expect.any(Object) } });
    const signIn = spec.paths['/api/v1/session']!.post!.requestBody!.content!['application/json']!.schema;
    expect(signIn).toMatchObject({ properties: { user: expect.any(Object), password: expect.any(Object) } });
    // The pages themselves are no API: they stay out of the document.
    expect(
      Object.keys(spec.paths).filter((p) => p === '/' || p.startsWith('/inbox') || p.startsWith('/assets')),
    ).toEqual([]);
  });

  it("names the node API's own JSON properties in camelCase (STIX objects inside keep STIX's names)", () => {
    const odd: string[] = [];
    let named = 0;
    const walk = (schema: unknown, at: string): void => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      // STIX's own objects (a bundle, an object) keep STIX's snake_case
      if (typeof s.description === 'string' && /^an? STIX\b/.test(s.description)) return;
      for (const [name, sub] of Object.entries((s.properties as Record<string, unknown>) ?? {})) {
        named += 1;
        if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) odd.push(`${at}: ${name}`);
        walk(sub, `${at}.${name}`);
      }
      for (const key of ['items', 'additionalProperties']) walk(s[key], at);
      for (const key of ['anyOf', 'oneOf', 'allOf']) {
        for (const sub of (s[key] as unknown[]) ?? []) walk(sub, at);
      }
    };
    for (const [path, item] of Object.entries(spec.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        for (const m of Object.values(op.requestBody?.content ?? {}))
          walk(m.schema, `${method} ${path} body`);
        for (const [status, r] of Object.entries(op.responses ?? {})) {
          for (const m of Object.values(r.content ?? {})) walk(m.schema, `${method} ${path} ${status}`);
        }
        for (const p of (op as { parameters?: { in: string; name: string }[] }).parameters ?? []) {
          if (p.in === 'query' && !/^[a-z][a-zA-Z0-9]*$/.test(p.name))
            odd.push(`${method} ${path} ?${p.name}`);
        }
      }
    }
    expect(named).toBeGreaterThan(200);
    expect(odd).toEqual([]);
  });

  it('checks what it claims: an operation without summary, body example or answers is reported', () => {
    expect(shortcomings('post', {})).toEqual([
      'no summary',
      'no request body schema',
      'no success answer',
      'no error answer',
    ]);
    expect(
      shortcomings('get', {
        summary: 'x',
        responses: {
          200: { description: 'Default Response', content: { 'application/json': { schema: {} } } },
        },
      }),
    ).toEqual(['no error answer', 'answer 200: no description', 'answer 200 application/json: no example']);
  });
});
