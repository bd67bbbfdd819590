import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable, runBenches, selectBenches } from './harness.js';

/*
 * `npm run bench [-- NAME…]`: runs the registered benches (all, or those named: `policy` runs every
 * `policy:*` bench), prints a table with each figure beside its peers and the ratio, and writes
 * bench-results.json in the current directory. Built apart from the shipped code (tsconfig.bench.json, into
 * bench-dist/) and run from there with --expose-gc (package.json's "bench" script).
 */

/**
 * Every `*.bench.js` under the compiled tree registers itself when imported, so a domain folder adds a bench
 * by adding a `*.bench.ts` file of its own (calling registerBench), without touching this folder.
 */
async function loadBenches(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.bench.js'))
    .sort();
  for (const f of files) await import(pathToFileURL(join(root, f)).href);
}

async function main(): Promise<void> {
  await loadBenches();
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = selectBenches(filters);
  if (selected.length === 0) {
    process.stderr.write(`no bench matches ${filters.join(' ')}\n`);
    process.exitCode = 2;
    return;
  }
  if (!(globalThis as { gc?: unknown }).gc) {
    process.stderr.write(
      'note: run with node --expose-gc (npm run bench does) to collect garbage between rounds\n',
    );
  }
  // The machine and its load at the start: figures taken on a busy machine say so.
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
  const results = [
    { bench: 'machine', subject: 'this machine', metric: 'cpus', value: cpus().length },
    {
      bench: 'machine',
      subject: 'this machine',
      metric: 'load average (1 min) at start',
      value: loadavg()[0]!,
    },
    ...(await runBenches(selected)),
  ];
  const file = resolve('bench-results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${machine}\n${formatTable(results)}\n\nwrote ${file}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
