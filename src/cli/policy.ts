import type { Command } from 'commander';
import { decide, validateDecisionRequest } from '../policy/index.js';
import { parseJson, readInput, registryFrom } from './input.js';
import { action, EXIT_MALFORMED, printJson } from './output.js';
import { batchWorkers, checkBatchInline, checkBatchParallel } from './policy-batch.js';

/** `relto policy check`: one request, or `--batch` one answer per line in order (contracts §5). */
export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('ask the rules engine for decisions');
  policy
    .command('check')
    .description(
      'decide a request (a decision request as JSON): FILE or - for standard input; --batch for JSONL',
    )
    .argument('[file]', 'the request as JSON, or - for standard input', '-')
    .option('--registry <file>', 'a registry replacing the built-in one')
    .option('--batch <file>', 'a JSONL file of requests: one answer per line, in order')
    .option('--workers <n>', 'with --batch: threads answering lines (default 1; output stays in order)')
    .action(
      action(async (file: string, opts: { registry?: string; batch?: string; workers?: string }) => {
        const reg = registryFrom(opts.registry); // validated here, so a bad registry fails before any work
        if (opts.batch !== undefined) {
          const workers = batchWorkers(opts.batch, opts.workers);
          const malformed =
            workers > 1
              ? await checkBatchParallel(opts.registry, opts.batch, workers)
              : checkBatchInline(reg, opts.batch);
          if (malformed > 0) process.exitCode = EXIT_MALFORMED;
          return;
        }
        const request = validateDecisionRequest(parseJson(readInput(file), 'the request'));
        printJson(decide(reg, request));
      }),
    );
}
