import { createRequire } from 'node:module';
import type { Ajv2020, AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { pointerToken, ReltoError } from '../errors/index.js';

// Ajv is loaded when a validator is made, not when stix/ is imported: the CLI's label and marking
// commands use this folder without validating STIX.
const require = createRequire(import.meta.url);

/** One problem with a STIX object: where (JSON Pointer into the input) and what was expected there. */
export interface StixIssue {
  pointer: string;
  message: string;
}

/** Validates STIX 2.1 objects and bundles against the OASIS schemas, compiled once. */
export interface StixValidator {
  /** Problems of one object ([] when valid); `at` prefixes every pointer, e.g. `/objects/3`. */
  validateObject(object: unknown, at?: string): StixIssue[];
  /** Problems of a bundle: its envelope, then every object by its type's schema. */
  validateBundle(bundle: unknown): StixIssue[];
  /** Throws INVALID_STIX naming the first problem (all of them in `details`). */
  assertObject(object: unknown, at?: string): void;
  assertBundle(bundle: unknown): void;
  /** True when the OASIS schemas define this type; other types are checked against the core schema only. */
  hasSchema(type: string): boolean;
  /** The types the OASIS schemas define. */
  types(): string[];
}

const BUNDLE_ID =
  /^bundle--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/** The single `type` a schema fixes (`properties.type.enum`, possibly inside `allOf`), if any. */
function typeOf(schema: AnySchemaObject): string | undefined {
  const candidates = [schema, ...((schema.allOf as AnySchemaObject[] | undefined) ?? [])];
  for (const s of candidates) {
    const e = s?.properties?.type?.enum;
    if (Array.isArray(e) && e.length === 1 && typeof e[0] === 'string') return e[0];
  }
  return undefined;
}

function describe(err: ErrorObject): StixIssue {
  let pointer = err.instancePath;
  if (err.keyword === 'required') {
    pointer += `/${pointerToken((err.params as { missingProperty: string }).missingProperty)}`;
    return { pointer, message: 'is required' };
  }
  if (err.keyword === 'additionalProperties') {
    pointer += `/${pointerToken((err.params as { additionalProperty: string }).additionalProperty)}`;
    return { pointer, message: 'is not an allowed property name here' };
  }
  const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues;
  const message = allowed
    ? `${err.message}: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    : err.message;
  return { pointer, message: message ?? `fails ${err.keyword}` };
}

const JSON_TYPES = new Set(['array', 'string', 'integer', 'boolean', 'number', 'object', 'null']);

/**
 * `{anyOf: [{type: A}, {type: B}, …]}` (at most one branch also saying `minItems`, on `type: 'array'`) means
 * exactly `{type: [A, B, …], minItems}`: minItems constrains arrays only. ajv evaluates every branch of an
 * anyOf and builds an error object for each one that fails, so the OASIS custom-property rule
 * (common/properties.json, checked on every property of every object) cost half of all validation; the
 * one-keyword form checks the same thing at once. Any other anyOf is left as it is.
 */
function typeUnion(node: Record<string, unknown>): { type: string[]; minItems?: number } | undefined {
  const branches = node.anyOf;
  if (!Array.isArray(branches) || branches.length < 2) return undefined;
  if (Object.keys(node).some((k) => k !== 'anyOf' && k !== 'title' && k !== 'description')) return undefined;
  const types: string[] = [];
  let minItems: number | undefined;
  for (const b of branches as unknown[]) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return undefined;
    const { type, minItems: min, ...rest } = b as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || typeof type !== 'string' || !JSON_TYPES.has(type)) return undefined;
    if (types.includes(type)) return undefined;
    if (min !== undefined) {
      if (type !== 'array' || typeof min !== 'number' || minItems !== undefined) return undefined;
      minItems = min;
    }
    types.push(type);
  }
  return minItems === undefined ? { type: types } : { type: types, minItems };
}

/** A copy of `schema` with every anyOf of bare types written as one type list (same meaning, see above). */
export function withTypeUnions<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s) => withTypeUnions(s)) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = schema as Record<string, unknown>;
  const union = typeUnion(node);
  if (union) {
    const { anyOf: _anyOf, ...keep } = node;
    return { ...keep, ...union } as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withTypeUnions(v);
  return out as T;
}

export interface StixValidatorOptions {
  /**
   * Rewrite type-only anyOfs as type lists before compiling (default true). Same verdicts; only the wording
   * of an error about such a property differs. Off: the OASIS files compiled exactly as published.
   */
  typeUnions?: boolean;
}

/**
 * Compiles the OASIS STIX 2.1 JSON schemas (draft 2020-12) given as parsed objects; their `$id`s resolve
 * the `$ref`s between files. Types without a schema (x-mitre-*, other custom types) are validated against
 * the common core schema only.
 */
export function createStixValidator(
  schemaFiles: readonly AnySchemaObject[],
  options: StixValidatorOptions = {},
): StixValidator {
  // The OASIS patterns use escapes the `u` flag refuses; their formats include idn-hostname, which
  // ajv-formats does not check (full IDN validation is out of scope; the pattern checks still run).
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (a: Ajv2020) => void;
  const ajv = new Ajv({ unicodeRegExp: false, strict: false, allErrors: false });
  addFormats(ajv);
  ajv.addFormat('idn-hostname', true);
  ajv.addFormat('idn-email', true);
  const byType = new Map<string, ValidateFunction>();
  let core: ValidateFunction | undefined;
  const files = options.typeUnions === false ? schemaFiles : schemaFiles.map((s) => withTypeUnions(s));
  for (const s of files) ajv.addSchema(s);
  for (const s of files) {
    const id = s.$id as string | undefined;
    if (!id) throw new ReltoError('INVALID_ARGUMENT', 'every OASIS schema file has an $id');
    if (id.endsWith('/common/core.json')) core = ajv.getSchema(id);
    if (id.endsWith('/common/bundle.json')) continue;
    const type = typeOf(s);
    if (type) byType.set(type, ajv.getSchema(id)!);
  }
  if (!core) throw new ReltoError('INVALID_ARGUMENT', 'the OASIS schemas must include common/core.json');
  const coreSchema = core;

  function validateObject(object: unknown, at = ''): StixIssue[] {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      return [{ pointer: at, message: 'must be a STIX object' }];
    }
    const type = (object as { type?: unknown }).type;
    if (typeof type !== 'string')
      return [{ pointer: `${at}/type`, message: 'is required and must be a string' }];
    const v = byType.get(type) ?? coreSchema;
    const issues: StixIssue[] = v(object)
      ? []
      : (v.errors ?? []).map((e) => {
          const issue = describe(e);
          return { pointer: at + issue.pointer, message: issue.message };
        });
    // STIX 2.1 §2.9: an identifier starts with its object's type; the core schema alone cannot say so.
    const id = (object as { id?: unknown }).id;
    if (typeof id === 'string' && !id.startsWith(`${type}--`)) {
      issues.push({ pointer: `${at}/id`, message: `must start with "${type}--"` });
    }
    return issues;
  }

  function validateBundle(bundle: unknown): StixIssue[] {
    if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
      return [{ pointer: '', message: 'must be a STIX bundle object' }];
    }
    const b = bundle as { type?: unknown; id?: unknown; objects?: unknown };
    const issues: StixIssue[] = [];
    if (b.type !== 'bundle') issues.push({ pointer: '/type', message: 'must be "bundle"' });
    if (typeof b.id !== 'string' || !BUNDLE_ID.test(b.id)) {
      issues.push({ pointer: '/id', message: 'must be bundle-- followed by a UUID' });
    }
    if (b.objects !== undefined) {
      if (!Array.isArray(b.objects) || b.objects.length === 0) {
        issues.push({ pointer: '/objects', message: 'must be a non-empty list of STIX objects' });
      } else {
        for (let i = 0; i < b.objects.length; i++)
          issues.push(...validateObject(b.objects[i], `/objects/${i}`));
      }
    }
    return issues;
  }

  function fail(issues: StixIssue[]): never {
    const first = issues[0];
    throw new ReltoError('INVALID_STIX', `${first.pointer || '/'} ${first.message}`, first.pointer, {
      issues,
    });
  }

  return {
    validateObject,
    validateBundle,
    assertObject(object, at) {
      const issues = validateObject(object, at);
      if (issues.length > 0) fail(issues);
    },
    assertBundle(bundle) {
      const issues = validateBundle(bundle);
      if (issues.length > 0) fail(issues);
    },
    hasSchema: (type) => byType.has(type),
    types: () => [...byType.keys()],
  };
}
