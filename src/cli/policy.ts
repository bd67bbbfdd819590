import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { decide, validateDecisionRequest } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { parseJson, readInput, registryFrom } from './input.js';
import { action, EXIT_MALFORMED, printJson } from './output.js';

/** `relto policy check`: one request, or `--batch` one answer per line in order (contracts §5). */
export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('ask the rules engine for decisions');
  policy
    .command('check')
    .description('decide a request (contracts §4): FILE or - for standard input; --batch for JSONL')
    .argument('[file]', 'the request as JSON, or - for standard input', '-')
    .option('--registry <file>', 'a registry replacing the built-in one')
    .option('--batch <file>', 'a JSONL file of requests: one answer per line, in order')
    .action(
      action((file: string, opts: { registry?: string; batch?: string }) => {
        const reg = registryFrom(opts.registry);
        if (opts.batch !== undefined) {
          const malformed = checkBatch(reg, opts.batch);
          if (malformed > 0) process.exitCode = EXIT_MALFORMED;
          return;
        }
        const request = validateDecisionRequest(parseJson(readInput(file), 'the request'));
        printJson(decide(reg, request));
      }),
    );
}

/** One line's answer, or its error in its place. */
function answerLine(reg: CompiledRegistry, line: string, lineNo: number): { text: string; bad: boolean } {
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new ReltoError('MALFORMED_REQUEST', `line ${lineNo} is not JSON: ${(e as Error).message}`, '');
    }
    return { text: JSON.stringify(decide(reg, validateDecisionRequest(parsed))), bad: false };
  } catch (e) {
    const err = e instanceof ReltoError ? e : new ReltoError('INTERNAL', String(e));
    const body = err.toJSON();
    return { text: JSON.stringify({ error: { ...body.error, line: lineNo } }), bad: true };
  }
}

const CHUNK = 1 << 22;

/**
 * Streams a JSONL file through the engine: reads in large chunks, answers each line and writes the
 * answers in large chunks, so the cost per line is the parse, the decision and a short stringify.
 * Returns the number of malformed lines.
 */
export function checkBatch(reg: CompiledRegistry, file: string): number {
  const fd = file === '-' ? 0 : openFile(file);
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry = '';
  let lineNo = 0;
  let bad = 0;
  let out: string[] = [];
  let outLen = 0;
  const flush = () => {
    if (out.length === 0) return;
    writeAll(out.join(''));
    out = [];
    outLen = 0;
  };
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    const text = carry + buf.toString('utf8', 0, n);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      lineNo++;
      if (line.trim() === '') continue;
      const r = answerLine(reg, line, lineNo);
      if (r.bad) bad++;
      out.push(r.text, '\n');
      outLen += r.text.length + 1;
      if (outLen > CHUNK) flush();
    }
    carry = text.slice(start);
  }
  if (carry.trim() !== '') {
    const r = answerLine(reg, carry, ++lineNo);
    if (r.bad) bad++;
    out.push(r.text, '\n');
  }
  flush();
  if (fd !== 0) closeSync(fd);
  return bad;
}

function openFile(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (e) {
    throw new ReltoError('INVALID_ARGUMENT', `cannot read ${file}: ${(e as Error).message}`);
  }
}

function writeAll(text: string): void {
  const data = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(1, data, off);
    } catch (e) {
      // A non-blocking pipe may be full for a moment; wait for it rather than lose output.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
