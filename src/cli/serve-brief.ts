import type { Logger } from 'pino';
import type { ReltoNode } from '../node/index.js';
import { startPeriodic } from './periodic.js';

/** How often a serving node looks for briefs whose time has come and mail that is due. */
const CHECK_MS = 30_000;

/**
 * The daily brief's schedule while the node serves: at start (what came due while it was down) and every
 * 30 s, the briefs whose time has come are queued and the outbox is sent, one round at a time.
 */
export function startBriefSchedule(
  node: ReltoNode,
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
): () => Promise<void> {
  const round = async () => {
    try {
      const r = await node.brief.runDue();
      if (r.queued + r.sent + r.failed > 0) log.info(r, 'daily brief round');
      if (r.failed > 0) log.warn({ failed: r.failed }, 'mail refused for good by the relay');
    } catch (e) {
      log.error({ err: e }, 'daily brief round failed');
    }
  };
  return startPeriodic(round, CHECK_MS);
}
