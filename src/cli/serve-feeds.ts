import type { Logger } from 'pino';
import type { ReltoNode } from '../node/index.js';
import { startPeriodic } from './periodic.js';

/** How often a serving node looks for feeds whose time has come. */
const CHECK_MS = 30_000;

/**
 * Polls the node's due feeds while it serves: once at start, then every 30 s, one round at a time (a slow
 * feed never makes two rounds overlap). A feed's own failure is its status; anything else is logged.
 */
export function startFeedPolling(
  node: ReltoNode,
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
): () => Promise<void> {
  const round = async () => {
    try {
      for (const r of await node.admin.pollDueFeeds()) {
        if (r.status === 'failing') log.warn({ feed: r.feed, problem: r.problem }, 'feed failing');
        else if (r.taken + r.updated > 0)
          log.info({ feed: r.feed, taken: r.taken, updated: r.updated }, 'feed polled');
      }
    } catch (e) {
      log.error({ err: e }, 'feed polling failed');
    }
  };
  return startPeriodic(round, CHECK_MS);
}
