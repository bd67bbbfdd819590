import { type RunningExchange, startExchange } from '../node/exchange/index.js';
import type { ReltoNode } from '../node/index.js';
import { parseHostPort } from './host-port.js';

/**
 * `relto serve --exchange HOST:PORT`: the node's mutual-TLS inbox for partners (contracts §9) and its
 * delivery worker. Kept beside the HTTP port: web, API and TAXII stay plain HTTP on loopback in the demo, the
 * exchange between nodes is HTTPS with client certificates only.
 */
export async function startExchangeFromCli(
  node: ReltoNode,
  dataDir: string,
  exchange: string | undefined,
): Promise<RunningExchange | null> {
  if (!exchange) return null;
  const { host, port } = parseHostPort(exchange);
  return startExchange(node, dataDir, { host, port });
}
