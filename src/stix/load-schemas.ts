import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnySchemaObject } from 'ajv/dist/2020.js';
import { createStixValidator, type StixValidator } from './validator.js';

/** Where the shipped OASIS schemas are, from src/stix or dist/stix alike. */
export const DEFAULT_SCHEMA_DIR = new URL('../../data/stix2.1-schemas/schemas/', import.meta.url);

/** Reads every `*.json` under the OASIS schemas folder (common/, sdos/, sros/, observables/). */
export function loadOasisSchemas(dir: string | URL = DEFAULT_SCHEMA_DIR): AnySchemaObject[] {
  const root = typeof dir === 'string' ? dir : dir.pathname;
  const out: AnySchemaObject[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.json')) out.push(JSON.parse(readFileSync(p, 'utf8')) as AnySchemaObject);
    }
  };
  walk(root);
  return out;
}

let shared: StixValidator | undefined;

/** One validator over the shipped schemas, compiled on first use and reused. */
export function oasisValidator(): StixValidator {
  shared ??= createStixValidator(loadOasisSchemas());
  return shared;
}
