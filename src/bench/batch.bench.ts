import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRegistry, decide } from '../policy/index.js';
import { type BenchContext, median, registerBench, timeRoundsAsync } from './harness.js';
import { policyMix } from './policy.bench.js';

/**
 * `relto policy check --batch FILE` on the 100,000-line JSONL of the policy mix, beside a bare pass over the
 * same file: read it, JSON.parse + JSON.stringify each line, write the lines out. Both run as a child
 * `node` process with standard output to a temp file, so both pay process start-up and the same I/O; the
 * figure is lines/s of the median round (wall time of the whole process).
 */

const TARGET_SHARE = 0.7;
const RELTO_BIN = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

/** The bare pass: the least any batch command must do with the file. */
const BARE_SCRIPT = `
const fs = require('node:fs');
const lines = fs.readFileSync(process.argv[1], 'utf8').split('\\n');
const out = [];
for (const line of lines) if (line !== '') out.push(JSON.stringify(JSON.parse(line)), '\\n');
fs.writeFileSync(1, out.join(''));
`;

function run(args: string[], outFile: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const out = openSync(outFile, 'w');
    const child = spawn(process.execPath, args, { stdio: ['ignore', out, 'pipe'] });
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
      if (code === 0) resolvePromise();
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`));
    });
  });
}

async function batchBench(ctx: BenchContext): Promise<void> {
  const { requests, registryJson } = policyMix();
  const n = requests.length;
  const dir = mkdtempSync(join(tmpdir(), 'relto-bench-'));
  try {
    const input = join(dir, 'requests.jsonl');
    writeFileSync(input, requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const reltoOut = join(dir, 'relto.out');
    const bareOut = join(dir, 'bare.out');
    const reltoArgs = [RELTO_BIN, 'policy', 'check', '--batch', input];
    const bareArgs = ['-e', BARE_SCRIPT, input];

    // Correctness first: one answer per line, in order, each the answer decide() gives in-process.
    await run(reltoArgs, reltoOut);
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
    await run(bareArgs, bareOut);
    const bareLines = readFileSync(bareOut, 'utf8').split('\n').length - 1;
    if (bareLines !== n) throw new Error(`the bare pass wrote ${bareLines} lines for ${n}`);
    ctx.log(`relto --batch answered all ${n} lines in order; timing`);

    const rounds = { warmup: 1, rounds: 5 };
    const relto = n / median(await timeRoundsAsync(() => run(reltoArgs, reltoOut), rounds));
    const bare = n / median(await timeRoundsAsync(() => run(bareArgs, bareOut), rounds));
    const metric = `lines/s (median of ${rounds.rounds} runs, child process)`;
    ctx.record('relto policy check --batch', metric, relto);
    ctx.record('bare JSON.parse + JSON.stringify', metric, bare);
    const share = relto / bare;
    ctx.record('relto ÷ bare', 'share of the bare pass', share);
    ctx.log(
      `relto --batch ${Math.round(relto).toLocaleString('en-US')} lines/s, bare ${Math.round(bare).toLocaleString('en-US')} ` +
        `lines/s: ${(share * 100).toFixed(1)}% (target ≥ ${TARGET_SHARE * 100}%: ${share >= TARGET_SHARE ? 'met' : 'MISSED'})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

registerBench('policy:batch', batchBench);
