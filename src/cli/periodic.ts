/**
 * Runs `round` at once and then every `everyMs`, one round at a time (a slow round never makes two overlap);
 * the returned stop waits for the round in progress. A round's own errors are its to report.
 */
export function startPeriodic(round: () => Promise<void>, everyMs: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = round().finally(() => {
      running = null;
    });
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
