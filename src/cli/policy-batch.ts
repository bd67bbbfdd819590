import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ReltoError } from '../errors/index.js';
import { type Answer, decide, validateDecisionRequest } from '../policy/index.js';
import type { CompiledRegistry } from '../registry/index.js';

/*
 * `relto policy check --batch`: one answer per line, in input order; a malformed line gets its error in
 * its place. Answers are shared frozen values (policy/decide.ts), so each distinct answer is stringified once.
 */

const answerText = new WeakMap<Answer, string>();
function stringifyAnswer(a: Answer): string {
  let s = answerText.get(a);
  if (s === undefined) {
    s = JSON.stringify(a);
    answerText.set(a, s);
  }
  return s;
}

function answerLine(reg: CompiledRegistry, line: string, lineNo: number): { text: string; bad: boolean } {
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new ReltoError('MALFORMED_REQUEST', `line ${lineNo} is not JSON: ${(e as Error).message}`, '');
    }
    return { text: stringifyAnswer(decide(reg, validateDecisionRequest(parsed))), bad: false };
  } catch (e) {
    const err = e instanceof ReltoError ? e : new ReltoError('INTERNAL', String(e));
    return { text: JSON.stringify({ error: { ...err.toJSON().error, line: lineNo } }), bad: true };
  }
}

/** Answers a run of whole lines starting at line number `firstLine`; blank lines are skipped. */
export function answerLines(
  reg: CompiledRegistry,
  text: string,
  firstLine: number,
): { text: string; bad: number } {
  const out: string[] = [];
  let bad = 0;
  let lineNo = firstLine - 1;
  let start = 0;
  const n = text.length;
  while (start < n) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = n;
    const line = text.slice(start, nl);
    start = nl + 1;
    lineNo++;
    if (line.length === 0 || line.trim() === '') continue;
    const r = answerLine(reg, line, lineNo);
    if (r.bad) bad++;
    out.push(r.text);
  }
  return { text: out.length === 0 ? '' : `${out.join('\n')}\n`, bad };
}

const READ_CHUNK = 1 << 22;
/** Lines per piece of work handed to a worker: large enough to amortise messaging, small enough to balance. */
const LINES_PER_PIECE = 2000;

/** Splits the input into pieces of whole lines, numbering each piece's first line. */
function* pieces(file: string): Generator<{ firstLine: number; text: string }> {
  const fd = file === '-' ? 0 : openFile(file);
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let carry = '';
  let nextLine = 1;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, READ_CHUNK, null);
      const text = n === 0 ? carry : carry + buf.toString('utf8', 0, n);
      let start = 0;
      let count = 0;
      let pos = 0;
      for (;;) {
        const nl = text.indexOf('\n', pos);
        if (nl === -1) break;
        pos = nl + 1;
        if (++count === LINES_PER_PIECE) {
          yield { firstLine: nextLine, text: text.slice(start, pos) };
          nextLine += count;
          count = 0;
          start = pos;
        }
      }
      if (n === 0) {
        if (start < text.length) yield { firstLine: nextLine, text: text.slice(start) };
        return;
      }
      if (count > 0) {
        yield { firstLine: nextLine, text: text.slice(start, pos) };
        nextLine += count;
      }
      carry = text.slice(pos);
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
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

/** Single-threaded: for small inputs, where starting workers costs more than it saves. */
export function checkBatchInline(reg: CompiledRegistry, file: string): number {
  let bad = 0;
  for (const piece of pieces(file)) {
    const r = answerLines(reg, piece.text, piece.firstLine);
    bad += r.bad;
    if (r.text) writeAll(r.text);
  }
  return bad;
}

/**
 * With worker threads: pieces go round the workers, answers are written strictly in input order
 * (a piece is written only when every earlier piece has been). Returns the number of malformed lines.
 */
export async function checkBatchParallel(
  registryFile: string | undefined,
  file: string,
  workers: number,
): Promise<number> {
  const pool = Array.from(
    { length: workers },
    () =>
      new Worker(new URL('./policy-batch-worker.js', import.meta.url), {
        workerData: { registry: registryFile },
      }),
  );
  const done = new Map<number, { text: string; bad: number }>();
  let nextToWrite = 0;
  let bad = 0;
  let sent = 0;
  let failure: unknown;
  const inFlight = new Map<Worker, number>();
  const source = pieces(file);
  let exhausted = false;
  const MAX_IN_FLIGHT = 4;

  await new Promise<void>((resolve) => {
    const pump = (w: Worker) => {
      while (
        !exhausted &&
        (inFlight.get(w) ?? 0) < MAX_IN_FLIGHT &&
        done.size < workers * MAX_IN_FLIGHT * 4
      ) {
        const next = source.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
        w.postMessage({ seq: sent++, ...next.value });
      }
    };
    const finishIfDone = () => {
      if (exhausted && nextToWrite === sent) resolve();
    };
    for (const w of pool) {
      w.on('message', (m: { seq: number; text: string; bad: number }) => {
        inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
        done.set(m.seq, m);
        while (done.has(nextToWrite)) {
          const r = done.get(nextToWrite)!;
          done.delete(nextToWrite);
          bad += r.bad;
          if (r.text) writeAll(r.text);
          nextToWrite++;
        }
        for (const x of pool) pump(x);
        finishIfDone();
      });
      w.on('error', (e) => {
        failure = e;
        resolve();
      });
    }
    try {
      for (const w of pool) pump(w);
    } catch (e) {
      failure = e;
      resolve();
    }
    finishIfDone();
  });
  await Promise.all(pool.map((w) => w.terminate()));
  if (failure) throw failure;
  return bad;
}

/**
 * Threads for a batch: `--workers N` (or RELTO_BATCH_WORKERS), else one. Measured on the 2-core machines
 * here, one thread already beats a bare parse + stringify pass, and extra threads only pay on an idle
 * machine with a large file (on a loaded one they cost more CPU than they save).
 */
export function batchWorkers(file: string, requested?: string): number {
  const wanted = requested ?? process.env.RELTO_BATCH_WORKERS;
  if (wanted === undefined || file === '-') return 1;
  const n = Number(wanted);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new ReltoError('INVALID_ARGUMENT', `--workers ${wanted}: expected a whole number from 1 to 64`);
  }
  return n;
}
