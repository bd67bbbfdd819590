import { readFileSync } from 'node:fs';
import { ReltoError } from '../errors/index.js';
import {
  type CompiledRegistry,
  compileRegistry,
  loadBuiltinRegistry,
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
  return compileRegistry(file === undefined ? loadBuiltinRegistry() : readRegistryFile(file));
}
