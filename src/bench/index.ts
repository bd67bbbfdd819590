import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchResult, formatTable, registeredBenches, runBenches, selectBenches } from './harness.js';

/*
 * `npm run bench [-- NAME…]`: runs the registered benches (all, or those named: `policy` runs every
 * `policy:*` bench), prints a table with each figure beside its peers and the ratio, and writes
 * bench-results.json in the current directory. Built apart from the shipped code (tsconfig.bench.json, into
 * bench-dist/) and run from there with --expose-gc (package.json's "bench" script).
 */

/**
 * Every `*.bench.js` under the compiled tree registers itself when imported, so a domain folder adds a bench
 * by adding a `*.bench.ts` file of its own (calling registerBench), without touching this folder. Answers
 * the file each bench name came from.
 */
async function loadBenches(only?: string): Promise<Map<string, string>> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = only
    ? [only]
    : readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.bench.js'))
        .sort()
        .map((f) => join(root, f));
  const fileOf = new Map<string, string>();
  for (const f of files) {
    const before = new Set(registeredBenches());
    await import(pathToFileURL(f).href);
    for (const name of registeredBenches()) if (!before.has(name)) fileOf.set(name, f);
  }
  return fileOf;
}

/**
 * Runs one bench in a process of its own that loads only the file registering it: no bench is measured in
 * a heap that every other bench's modules (a browser driver, a web server, …) and garbage have grown, nor
 * with a JIT that an earlier bench has trained. Its figures come back through a file.
 */
async function runIsolated(name: string, file: string): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'relto-bench-'));
  const out = join(dir, 'results.json');
  try {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--child', file, name, out],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    if (code !== 0) throw new Error(`bench ${name} exited with ${code}`);
    return JSON.parse(readFileSync(out, 'utf8')) as BenchResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child's side: the one bench, its figures written to `out`. */
async function child(file: string, name: string, out: string): Promise<void> {
  await loadBenches(file);
  writeFileSync(out, JSON.stringify(await runBenches(selectBenches([name]).filter(([n]) => n === name))));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!, args[3]!);
  const fileOf = await loadBenches();
  const filters = args.filter((a) => !a.startsWith('-'));
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
  ];
  for (const [name] of selected) results.push(...(await runIsolated(name, fileOf.get(name)!)));
  const file = resolve('bench-results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${machine}\n${formatTable(results)}\n\nwrote ${file}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
