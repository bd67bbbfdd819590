import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReltoError } from '../errors/index.js';
import type { Registry } from './schema.js';

/**
 * Where the shipped data lives: `data/` at the package root (src/registry → ../../data). Pure, so the
 * browser's bundle of the core (which compiles the registry the node serves, never this file) drops it.
 */
export const dataDir = /* @__PURE__ */ fileURLToPath(new URL('../../data/', import.meta.url));

/** The built-in registry, shipped verbatim from the shared data (contracts §2). */
export function loadBuiltinRegistry(): Registry {
  return JSON.parse(readFileSync(`${dataDir}registry.builtin.json`, 'utf8')) as Registry;
}

/** Reads a registry file; shape and meaning are checked by compileRegistry. */
export function readRegistryFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReltoError('INVALID_ARGUMENT', `cannot read registry ${path}: ${(e as Error).message}`, '');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReltoError('INVALID_REGISTRY', `registry ${path} is not JSON: ${(e as Error).message}`, '');
  }
}
