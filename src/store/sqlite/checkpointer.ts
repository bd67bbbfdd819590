import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Background WAL checkpoints for a SQLite store doing bulk writes. Copying the WAL back into the database file
 * and the two fsyncs around it (synchronous = NORMAL) cost a 1,827-object post about as much as its own
 * commit when SQLite's automatic checkpoint ran them inside the writer's COMMIT; a thread with its own
 * connection runs PASSIVE checkpoints instead (they never block the writer or readers), as PostgreSQL's
 * checkpointer does. Durability is unchanged: a commit is in the WAL either way, and the WAL is what a crash
 * recovers from. The writer keeps a far higher automatic checkpoint as a floor, so the WAL stays bounded even
 * if this thread falls behind or dies.
 */

/** How often the thread checkpoints while it runs (a checkpoint with nothing to copy costs next to nothing). */
const EVERY_MS = 100;
/** The writer's own automatic checkpoint once the thread runs (pages of 4 KiB: 64 MiB of WAL). */
export const FALLBACK_AUTOCHECKPOINT = 16_384;

// The thread's code: plain CommonJS run by `eval`, so it works from src/ (tests) and dist/ alike.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
let stopped = false;
const tick = () => {
  if (stopped) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  setTimeout(tick, workerData.every);
};
setTimeout(tick, workerData.every);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  stopped = true;
  try { db.close(); } finally { parentPort.close(); }
});
`;

export interface Checkpointer {
  /** Stops the thread and closes its connection. */
  close(): Promise<void>;
}

/** Starts the checkpoint thread on the database file at `path` (WAL mode already set by the writer). */
export function startCheckpointer(path: string): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { path, module, every: EVERY_MS } });
  // Never keeps the process alive on its own; an error only means checkpoints fall back to the writer.
  worker.unref();
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async close() {
      worker.postMessage('close');
      // A thread stuck past the busy timeout is stopped: it holds no transaction, only a connection.
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
