import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createNode, type NodeService, openNode, type ReltoNode } from '../../node/index.js';
import type { Role } from '../../policy/index.js';
import { FakeNode } from './fake-node.js';
import { PEOPLE } from './fixtures.js';

export const PG_URL = process.env.RELTO_PG_URL;
let n = 0;

/** A real node in a fresh data folder (SQLite, or a fresh PostgreSQL schema), with the people of PEOPLE. */
export async function realNode(
  dialect: 'sqlite' | 'postgres' = 'sqlite',
): Promise<{ node: ReltoNode; dataDir: string; pgUrl?: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relto-http-'));
  const pgUrl = dialect === 'postgres' ? PG_URL : undefined;
  const schema = `relto_http_${process.pid}_${Date.now()}_${n++}`;
  await createNode({ dataDir, party: 'KOR', ...(pgUrl ? { pgUrl, pgSchema: schema } : {}) });
  const node = await openNode({ dataDir, ...(pgUrl ? { pgUrl } : {}) });
  for (const p of PEOPLE) {
    await node.admin.addUser({
      name: p.name,
      password: p.password,
      clearance: p.clearance,
      roles: p.roles as Role[],
    });
  }
  const cleanup = async () => {
    await node.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    if (pgUrl) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    }
  };
  return { node, dataDir, ...(pgUrl ? { pgUrl } : {}), cleanup };
}

/** A NodeService whose close() also removes its data folder (tests only call close()). */
export function closing(made: Awaited<ReturnType<typeof realNode>>): NodeService {
  const { node } = made;
  return new Proxy(node, {
    get(target, prop, receiver) {
      if (prop === 'close') return made.cleanup;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * The nodes the HTTP tests run against: the real node on SQLite (and on PostgreSQL when RELTO_PG_URL is
 * set), and the in-memory fake that stood in for it while the node was being built.
 */
export const nodeFactories: Record<string, () => Promise<NodeService>> = {
  'real (SQLite)': async () => closing(await realNode('sqlite')),
  ...(PG_URL ? { 'real (PostgreSQL)': async () => closing(await realNode('postgres')) } : {}),
  fake: async () => new FakeNode(PEOPLE),
};

/** The real nodes only: what depends on the store itself (paging over the collection, HTTP conformance). */
export const realNodeFactories = Object.entries(nodeFactories).filter(([kind]) => kind !== 'fake');
