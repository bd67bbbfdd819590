import { ReltoError } from '../errors/index.js';

/** Exit codes of contracts §5: 0 success (a deny included), 1 refused by a running node, 2 malformed input. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_MALFORMED = 2;

/** Prints a JSON value on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The error JSON on stderr and the matching exit code; never a stack trace. */
export function failWith(error: unknown): never {
  const e =
    error instanceof ReltoError
      ? error
      : new ReltoError('INTERNAL', error instanceof Error ? error.message : String(error), '');
  process.stderr.write(`${JSON.stringify(e.toJSON())}\n`);
  process.exit(e.exitCode);
}

/** Runs a command body, turning any thrown error into the contract's error output. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      failWith(e);
    }
  };
}
