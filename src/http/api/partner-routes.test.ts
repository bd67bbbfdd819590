import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessNode, inProcessNodes } from '../../node/exchange/test-support/in-process.js';
import { PASSWORD } from '../../node/exchange/test-support/three-nodes.js';
import { buildApp, type ReltoApp } from '../app.js';

/** The partner book through the API: administrators read partners and key fingerprints, never key material. */

// biome-ignore lint/suspicious/noExplicitAny: JSON answers read field by field
type Json = Record<string, any>;

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  app = await buildApp(nodes.KOR!.node);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

const get = async (user: string) => {
  const res = await app.inject({
    method: 'GET',
    url: '/api/v1/partners',
    headers: { authorization: `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}` },
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Json, text: res.body };
};

describe('GET /api/v1/partners', () => {
  it('lists each partner with its address, when it was added and its key fingerprints', async () => {
    const res = await get('admin');
    expect(res.status).toBe(200);
    const jpn = (res.body.partners as Json[]).find((p) => p.party === 'JPN')!;
    expect(jpn.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Date.parse(jpn.addedAt)).not.toBeNaN();
    expect(jpn.keys.signing.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jpn.keys.encryption.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jpn.keys.tlsCa.fingerprint).toMatch(/^[0-9a-fA-F:]{64,}$/);
    expect(res.body.partners.map((p: Json) => p.party)).not.toContain('KOR');
  });

  it('carries no key material: no JWK, no certificate, no private part', async () => {
    const res = await get('admin');
    expect(res.text).not.toMatch(/"d"\s*:|"x"\s*:|BEGIN|PRIVATE|tlsKey/);
  });

  it('refuses everyone but an administrator (403)', async () => {
    for (const who of ['analyst', 'officer', 'security']) {
      const res = await get(who);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });
});
