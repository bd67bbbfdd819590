import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../../../exchange/index.js';
import { createDemoCa, ensureIdentity, publicIdentity } from '../../../identity/index.js';
import { createNode, openNode, type ReltoNode } from '../../node-service.js';
import type { Person } from '../../service.js';
import { type OutboxBody, ROWS } from '../exchange.js';
import { addPartner } from '../partners.js';
import { type RunningExchange, startExchange } from '../start.js';
import { labelledReport, PASSWORD, PEOPLE, SECRET } from './three-nodes.js';

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
  options: { headEveryMs?: number; registryFile?: string } = {},
): Promise<{ nodes: Record<string, InProcessNode>; cleanup: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'relto-exchange-ip-'));
  const ca = await createDemoCa();
  const nodes: Record<string, InProcessNode> = {};
  for (const party of parties) {
    const dataDir = join(root, party.toLowerCase());
    await createNode({
      dataDir,
      party,
      ...(options.registryFile ? { registryFile: options.registryFile } : {}),
    });
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

/**
 * A KOR → JPN release of a new report, filed and approved at `kor` and queued there (delivered only if its
 * delivery worker runs): the queued message whole again, and the report's id.
 */
export async function queuedRelease(kor: InProcessNode): Promise<{ message: Message; item: string }> {
  const { report, bundle } = labelledReport({
    originator: 'KOR',
    classification: 'II',
    releasableTo: ['JPN', 'KOR'],
    topics: ['DPRK-MISSILE'],
  });
  await kor.node.postObjects(await kor.person('analyst'), (bundle as { objects: unknown[] }).objects);
  const request = await kor.ex.exchange.fileRelease(await kor.person('analyst'), {
    item: report.id,
    to: 'JPN',
  });
  const approved = await kor.ex.exchange.approveRelease(await kor.person('officer'), request.id);
  const row = await kor.node.store.getExchange(ROWS.outbox, approved.message!);
  // The outbox keeps the message sealed for JPN, the object by reference: whole again from KOR's store.
  return { message: await kor.ex.exchange.queuedMessage(row!.body as OutboxBody), item: report.id };
}

/** A compact JWE with one ciphertext byte flipped (its tag no longer matches). */
export function tamperedJwe(jwe: string): string {
  const parts = jwe.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[10] = ct[10]! ^ 0xff;
  parts[3] = ct.toString('base64url');
  return parts.join('.');
}
