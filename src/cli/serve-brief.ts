import type { Logger } from 'pino';
import type { ReltoNode } from '../node/index.js';

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
  let running: Promise<void> | null = null;
  let stopped = false;
  const round = async () => {
    try {
      const r = await node.brief.runDue();
      if (r.queued + r.sent + r.failed > 0) log.info(r, 'daily brief round');
      if (r.failed > 0) log.warn({ failed: r.failed }, 'mail refused for good by the relay');
    } catch (e) {
      log.error({ err: e }, 'daily brief round failed');
    }
  };
  const tick = () => {
    if (stopped || running) return;
    running = round().finally(() => {
      running = null;
    });
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, CHECK_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
