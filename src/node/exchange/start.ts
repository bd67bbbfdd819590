import { join } from 'node:path';
import { ensureIdentity } from '../../identity/index.js';
import type { ReltoNode } from '../node-service.js';
import { Delivery, type DeliveryOptions } from './delivery.js';
import { Exchange } from './exchange.js';
import { closeAgents, type InboxServer, startInboxServer } from './transport.js';

export interface RunningExchange {
  exchange: Exchange;
  delivery: Delivery;
  server: InboxServer;
  close(): Promise<void>;
}

/**
 * Runs a node's exchange: loads (or makes, at first start) its identity in DIR/keys, listens for partners on
 * the mutual-TLS inbox at host:port, and starts the delivery worker. The node's API then offers release and
 * consent (NodeService.exchange), and a reclassification by this node notifies every holder (R8).
 */
export async function startExchange(
  node: ReltoNode,
  dataDir: string,
  options: { host: string; port: number; delivery?: DeliveryOptions },
): Promise<RunningExchange> {
  const identity = await ensureIdentity(dataDir, node.party);
  // Sealed queued messages wait in DIR/outbox, beside the store (see OutboxBody).
  const exchange = new Exchange(node.context, identity, join(dataDir, 'outbox'));
  const server = await startInboxServer(exchange.inbox, { host: options.host, port: options.port });
  const delivery = new Delivery(exchange, options.delivery);
  node.exchange = exchange;
  node.onReclassified = async (itemId, label) => {
    await exchange.notifyReclassification(itemId, label);
  };
  delivery.start();
  return {
    exchange,
    delivery,
    server,
    close: async () => {
      await delivery.stop();
      await server.close();
      closeAgents();
    },
  };
}
