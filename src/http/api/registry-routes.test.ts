import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agreementStateOnDate,
  compileRegistry,
  equivalentLevel,
  loadBuiltinRegistry,
} from '../../registry/index.js';
import { basic } from '../test-support/fixtures.js';
import { type Harness, harness } from '../test-support/harness.js';
import { nodeFactories } from '../test-support/nodes.js';

describe('GET /api/v1/registry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(await nodeFactories['real (SQLite)']!());
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await h?.node.close();
  });

  it('gives any signed-in person the registry document the node decides by, which compiles with the same code', async () => {
    const res = await h.app.inject({
      url: '/api/v1/registry',
      headers: { authorization: basic('analyst-low') },
    });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc).toEqual(h.node.registry.source);
    expect(doc).toEqual(loadBuiltinRegistry());
    const compiled = compileRegistry(doc);
    // What the agreements screen and the editor's preview compute from it, as the node does.
    expect(compiled.parties.get('JPN')!.levels.get('GOKUHI')!.native).toBe('極秘');
    expect(compiled.tierOf('KOR', 'II', [])).toBe('S');
    const gsomia = compiled.agreements.get('KOR-JPN-GSOMIA')!;
    expect([...gsomia.parties].sort()).toEqual(['JPN', 'KOR']);
    expect(agreementStateOnDate(gsomia.def, '2019-09-01').state).toBe('termination-notified');
    expect(equivalentLevel(gsomia, 'S', 'JPN')).toBe('GOKUHI');
  });

  it('needs a signed-in person (401)', async () => {
    const res = await h.app.inject({ url: '/api/v1/registry' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});
