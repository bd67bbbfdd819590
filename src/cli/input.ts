import { readFileSync } from 'node:fs';
import { ReltoError } from '../errors/index.js';
import {
  type CompiledRegistry,
  compileBuiltinRegistry,
  compileRegistry,
  readRegistryFile,
} from '../registry/index.js';

/** Reads a file, or standard input for `-`. */
export function readInput(file: string | undefined): string {
  const path = file === undefined || file === '-' ? 0 : file;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `cannot read ${file ?? 'standard input'}: ${(e as Error).message}`,
    );
  }
}

/** Parses JSON input; a syntax error is malformed input at the document root. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReltoError('MALFORMED_REQUEST', `${what} is not JSON: ${(e as Error).message}`, '');
  }
}

/** The built-in registry, or the one named by --registry (validated, contracts §2). */
export function registryFrom(file: string | undefined): CompiledRegistry {
  return file === undefined ? compileBuiltinRegistry() : compileRegistry(readRegistryFile(file));
}

/** The first line of a text, without its line ending. */
function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Reads lines from the terminal in raw mode, so what is typed is not echoed: each prompt goes to stderr
 * (stdout stays the command's JSON), Enter ends a line, Backspace and Ctrl-U edit, Ctrl-C or Ctrl-D on an
 * empty line cancel. Characters typed ahead of a prompt (a paste) are kept for it.
 */
function readHiddenLines(prompts: string[]): Promise<string[]> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let text = '';
    const finish = (error?: ReltoError) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(lines);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          lines.push(text);
          text = '';
          if (lines.length === prompts.length) return finish();
          process.stderr.write(`\n${prompts[lines.length]}`);
        } else if (ch === '\u0003' || (ch === '\u0004' && text === '')) {
          return finish(new ReltoError('INVALID_ARGUMENT', 'no password given', '/password'));
        } else if (ch === '\u007f' || ch === '\b') {
          text = [...text].slice(0, -1).join('');
        } else if (ch === '\u0015') {
          text = '';
        } else if (ch >= ' ') {
          text += ch;
        }
      }
    };
    // Echo goes off before the prompt shows, so nothing typed after the prompt is ever echoed.
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    process.stderr.write(prompts[0]!);
  });
}

/**
 * A password for a command: on a terminal it is prompted for without echo (twice with `confirm`, for a new
 * password); otherwise it is the first line of standard input without its line ending, so scripts pipe it.
 */
export async function readPassword(options: { prompt: string; confirm?: boolean }): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    const [first, again] = await readHiddenLines(
      options.confirm ? [options.prompt, 'Once more: '] : [options.prompt],
    );
    if (options.confirm && first !== again) {
      throw new ReltoError('INVALID_ARGUMENT', 'the two passwords typed differ', '/password');
    }
    password = first ?? '';
  } else {
    let text: string;
    try {
      text = readFileSync(0, 'utf8');
    } catch (e) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `cannot read the password from standard input: ${(e as Error).message}`,
        '/password',
      );
    }
    password = firstLine(text);
  }
  if (password === '') {
    throw new ReltoError('INVALID_ARGUMENT', 'give the password on standard input', '/password');
  }
  return password;
}
