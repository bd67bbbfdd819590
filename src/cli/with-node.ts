import { openNode, type ReltoNode } from '../node/index.js';

/** The options of commands that open a node's data folder directly. */
export interface DataOptions {
  data: string;
  pg?: string;
}

/** Opens the node of `--data` (and `--pg`), runs `fn` as its console, and closes it whatever happens. */
export async function withNode<T>(opts: DataOptions, fn: (node: ReltoNode) => Promise<T>): Promise<T> {
  const n = await openNode({ dataDir: opts.data, ...(opts.pg ? { pgUrl: opts.pg } : {}) });
  try {
    return await fn(n);
  } finally {
    await n.close();
  }
}
