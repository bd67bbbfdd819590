import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoCa, ensureIdentity, publicIdentity } from '../../../identity/index.js';
import { createNode, openNode, type ReltoNode } from '../../node-service.js';
import type { Person } from '../../service.js';
import { addPartner } from '../partners.js';
import { type RunningExchange, startExchange } from '../start.js';
import { PASSWORD, PEOPLE, SECRET } from './three-nodes.js';

export interface InProcessNode {
  party: string;
  dataDir: string;
  node: ReltoNode;
  ex: RunningExchange;
  person(name: string): Promise<Person>;
}

/** Nodes in this process, each with its exchange on an ephemeral loopback port, partners of each other. */
export async function inProcessNodes(
  parties: string[],
  options: { headEveryMs?: number } = {},
): Promise<{ nodes: Record<string, InProcessNode>; cleanup: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'relto-exchange-ip-'));
  const ca = await createDemoCa();
  const nodes: Record<string, InProcessNode> = {};
  for (const party of parties) {
    const dataDir = join(root, party.toLowerCase());
    await createNode({ dataDir, party });
    await ensureIdentity(dataDir, party, { ca });
    const node = await openNode({ dataDir });
    for (const p of PEOPLE) {
      await node.admin.addUser({
        name: p.name,
        password: PASSWORD,
        clearance: SECRET[party]!,
        roles: [...p.roles],
      });
    }
    const ex = await startExchange(node, dataDir, {
      host: '127.0.0.1',
      port: 0,
      delivery: { minBackoffMs: 50, maxBackoffMs: 500, pollMs: 200, headEveryMs: options.headEveryMs ?? 0 },
    });
    nodes[party] = {
      party,
      dataDir,
      node,
      ex,
      person: async (name) => (await node.authenticateBasic(name, PASSWORD))!,
    };
  }
  for (const a of parties) {
    for (const b of parties) {
      if (a === b) continue;
      const id = publicIdentity(await ensureIdentity(nodes[b]!.dataDir, b));
      await addPartner(nodes[a]!.node.store, nodes[b]!.ex.server.url, id);
    }
    await nodes[a]!.ex.exchange.loadPartners();
  }
  return {
    nodes,
    cleanup: async () => {
      for (const n of Object.values(nodes)) {
        await n.ex.close().catch(() => {});
        await n.node.close().catch(() => {});
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
