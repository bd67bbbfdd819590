import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchContext, median, type Round, registerBench, timeRoundsAsync } from '../bench/harness.js';
import { compileRegistry } from '../registry/index.js';
import { decide } from './decide.js';
import { policyMix } from './policy.bench.js';

/**
 * `relto policy check --batch FILE` on the 100,000-line JSONL of the policy mix, beside a bare pass over the
 * same file: read it, JSON.parse + JSON.stringify each line, write the lines out. Both run as a child
 * `node` process with standard output to a temp file, so both pay process start-up and the same I/O; the
 * figure is lines/s of the median round (wall time of the whole process).
 */

const TARGET_SHARE = 0.7;
const ROUNDS = 5;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const RELTO_BIN = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

/** The bare pass: the least any batch command must do with the file. */
const BARE_SCRIPT = `
const fs = require('node:fs');
const lines = fs.readFileSync(process.argv[1], 'utf8').split('\\n');
const out = [];
for (const line of lines) if (line !== '') out.push(JSON.stringify(JSON.parse(line)), '\\n');
fs.writeFileSync(1, out.join(''));
`;

const CPU_MARK = '__relto_bench_cpu';
/** Preloaded into both children: reports the child's own CPU seconds (user + system) on exit. */
const CPU_REPORT = `process.on('exit', () => {
  const u = process.cpuUsage();
  require('node:fs').writeSync(2, '\\n${CPU_MARK} ' + (u.user + u.system) / 1e6 + '\\n');
});
`;

/** Runs `node ARGS` with standard output to `outFile`; resolves to the child's CPU seconds. */
function run(args: string[], outFile: string, preload: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const out = openSync(outFile, 'w');
    const child = spawn(process.execPath, ['--require', preload, ...args], {
      stdio: ['ignore', out, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (e) => {
      closeSync(out);
      reject(e);
    });
    child.on('close', (code) => {
      closeSync(out);
      const cpu = new RegExp(`${CPU_MARK} ([0-9.e-]+)`).exec(stderr);
      if (code === 0 && cpu) resolvePromise(Number(cpu[1]));
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
    });
  });
}

async function batchBench(ctx: BenchContext): Promise<void> {
  const { requests, registryJson } = policyMix();
  const n = requests.length;
  const dir = mkdtempSync(join(tmpdir(), 'relto-bench-'));
  try {
    const preload = join(dir, 'cpu-report.cjs');
    writeFileSync(preload, CPU_REPORT);
    const input = join(dir, 'requests.jsonl');
    writeFileSync(input, requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const reltoOut = join(dir, 'relto.out');
    const bareOut = join(dir, 'bare.out');
    const reltoArgs = [RELTO_BIN, 'policy', 'check', '--batch', input];
    const bareArgs = ['-e', BARE_SCRIPT, input];

    // Correctness first: one answer per line, in order, each the answer decide() gives in-process.
    await run(reltoArgs, reltoOut, preload);
    const compiled = compileRegistry(registryJson);
    const lines = readFileSync(reltoOut, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length !== n) throw new Error(`relto --batch wrote ${lines.length} lines for ${n} requests`);
    for (let i = 0; i < n; i++) {
      const expected = JSON.stringify(decide(compiled, requests[i]!));
      if (lines[i] !== expected) {
        throw new Error(`relto --batch line ${i + 1} is ${lines[i]}, expected ${expected} (out of order?)`);
      }
    }
    await run(bareArgs, bareOut, preload);
    const bareLines = readFileSync(bareOut, 'utf8').split('\n').length - 1;
    if (bareLines !== n) throw new Error(`the bare pass wrote ${bareLines} lines for ${n}`);
    ctx.log(`relto --batch answered all ${n} lines in order; timing`);

    // Alternate the two so a burst of load elsewhere on the machine hits both alike.
    const reltoRounds: Round[] = [];
    const bareRounds: Round[] = [];
    await run(reltoArgs, reltoOut, preload);
    await run(bareArgs, bareOut, preload);
    for (let i = 0; i < ROUNDS; i++) {
      reltoRounds.push(
        ...(await timeRoundsAsync(() => run(reltoArgs, reltoOut, preload), { warmup: 0, rounds: 1 })),
      );
      bareRounds.push(
        ...(await timeRoundsAsync(() => run(bareArgs, bareOut, preload), { warmup: 0, rounds: 1 })),
      );
    }
    const rates = (rounds: Round[]) => ({
      wall: n / median(rounds.map((r) => r.wall)),
      cpu: n / median(rounds.map((r) => r.cpu)),
    });
    const relto = rates(reltoRounds);
    const bare = rates(bareRounds);
    ctx.record('relto policy check --batch', 'lines/s (median run, wall clock)', relto.wall);
    ctx.record('bare JSON.parse + JSON.stringify', 'lines/s (median run, wall clock)', bare.wall);
    ctx.record('relto policy check --batch', 'lines per CPU-second (median run)', relto.cpu);
    ctx.record('bare JSON.parse + JSON.stringify', 'lines per CPU-second (median run)', bare.cpu);
    const share = relto.wall / bare.wall;
    ctx.record('relto ÷ bare', 'share of the bare pass (wall clock)', share);
    ctx.record('relto ÷ bare', 'share of the bare pass (CPU time)', relto.cpu / bare.cpu);
    ctx.log(
      `relto --batch ${fmt(relto.wall)} lines/s, bare ${fmt(bare.wall)} lines/s (median of ${ROUNDS} runs each): ` +
        `${(share * 100).toFixed(1)}% (target ≥ ${TARGET_SHARE * 100}%: ${share >= TARGET_SHARE ? 'met' : 'MISSED'}); ` +
        `per CPU-second ${fmt(relto.cpu)} vs ${fmt(bare.cpu)}: ${((relto.cpu / bare.cpu) * 100).toFixed(1)}%`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

registerBench('policy:batch', batchBench);
