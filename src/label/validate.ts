import type { ErrorObject } from 'ajv';
import type { Validator } from '../codegen/index.js';
import { pointer, pointerToken, ReltoError } from '../errors/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { validate } from './label-validator.generated.js';
import type { Label as LabelT } from './schema.js';

/** What kind of problem a label has; stable, so callers (API, UI) can branch on it. */
export type LabelProblemKind =
  | 'SHAPE'
  | 'UNKNOWN_PARTY'
  | 'UNKNOWN_LEVEL'
  | 'UNKNOWN_DESIGNATION'
  | 'DUPLICATE'
  | 'CONSENT_KIND'
  | 'CONSENT_NOT_BY_ORIGINATOR'
  | 'CONSENT_EXPIRY'
  | 'EMPTY_PURPOSE'
  | 'DESIGNATION_UNCLASSIFIED'
  | 'PURPOSE_CONFLICT'
  | 'NO_PORTIONS';

/** One thing wrong with a label: where (JSON Pointer into the input) and what was expected there. */
export interface LabelProblem {
  kind: LabelProblemKind;
  path: string;
  message: string;
}

/** Generated from the Label schema (src/codegen/validators.ts): no schema compiled at start-up. */
const checkShape = validate as unknown as Validator<LabelT>;

function shapeProblems(errors: ErrorObject[]): LabelProblem[] {
  // A union (caveats) reports one error per branch at the same pointer: merge them into one problem.
  const byPath = new Map<string, LabelProblem>();
  const allowed = new Map<string, unknown[]>();
  for (const e of errors) {
    if (e.keyword === 'anyOf') continue;
    let path = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      path = `${path}/${pointerToken((e.params as { additionalProperty: string }).additionalProperty)}`;
      message = 'no such property in a label';
    } else if (e.keyword === 'required') {
      path = `${path}/${pointerToken((e.params as { missingProperty: string }).missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'const') {
      const values = allowed.get(path) ?? [];
      values.push((e.params as { allowedValue: unknown }).allowedValue);
      allowed.set(path, values);
      message = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    byPath.set(path, { kind: 'SHAPE', path, message: `expected: ${message}` });
  }
  return [...byPath.values()];
}

function duplicates(values: readonly string[], base: string, what: string, out: LabelProblem[]): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v))
      out.push({ kind: 'DUPLICATE', path: `${base}/${i}`, message: `${what} ${v} is listed twice` });
    seen.add(v);
  });
}

/**
 * Checks a label (contracts §3) against its schema, then against the registry (R1, R5, R13): every party,
 * level and designation known, designations only the originator's, consents of exactly one kind and given
 * by the originator, no duplicates, no empty purpose. Returns every problem found (empty when valid); the
 * registry checks run only on a well-shaped label.
 */
export function validateLabel(reg: CompiledRegistry, input: unknown): LabelProblem[] {
  if (!checkShape(input)) return shapeProblems(checkShape.errors ?? []);
  const label = input;
  const out: LabelProblem[] = [];
  const unknownParty = (code: string, path: string) => {
    if (!reg.parties.has(code))
      out.push({ kind: 'UNKNOWN_PARTY', path, message: `expected: a party of the registry, not ${code}` });
  };

  const originator = reg.parties.get(label.originator);
  unknownParty(label.originator, '/originator');
  const level = originator?.levels.get(label.classification);
  if (originator && !level) {
    out.push({
      kind: 'UNKNOWN_LEVEL',
      path: '/classification',
      message: `expected: a level of ${label.originator} (${originator.def.levels.map((l) => l.id).join(', ')})`,
    });
  }

  const rt = label.releasableTo ?? [];
  rt.forEach((p, i) => {
    unknownParty(p, `/releasableTo/${i}`);
  });
  duplicates(rt, '/releasableTo', 'party', out);
  duplicates(label.caveats ?? [], '/caveats', 'caveat', out);
  duplicates(label.topics ?? [], '/topics', 'topic', out);
  for (const field of ['restrictive', 'informative'] as const) {
    const categories = label[field] ?? {};
    for (const [category, values] of Object.entries(categories)) {
      duplicates(values, pointer(field, category), 'value', out);
    }
  }

  // R13: a designation belongs to the originator's legal system (TOKUTEI is Japan's).
  const designations = label.restrictive?.Designation ?? [];
  designations.forEach((d, i) => {
    if (originator && !originator.designations.has(d)) {
      const owner = reg.designationOwner.get(d);
      out.push({
        kind: 'UNKNOWN_DESIGNATION',
        path: `/restrictive/Designation/${i}`,
        message: owner
          ? `expected: a designation of ${label.originator}; ${d} is ${owner}'s`
          : `expected: a designation of ${label.originator}, not ${d}`,
      });
    }
  });
  // R33: rank 0 is not classified information, so it cannot be a designated secret either.
  if (designations.length > 0 && level?.rank === 0) {
    out.push({
      kind: 'DESIGNATION_UNCLASSIFIED',
      path: '/restrictive/Designation',
      message:
        'expected: no designation on an unclassified item (designations apply to classified items only)',
    });
  }

  if (label.purpose !== undefined && label.purpose.trim() === '') {
    out.push({ kind: 'EMPTY_PURPOSE', path: '/purpose', message: 'expected: a purpose in words, or none' });
  }

  (label.consents ?? []).forEach((c, i) => {
    const base = `/consents/${i}`;
    const kinds =
      (c.to !== undefined ? 1 : 0) + (c.actions !== undefined ? 1 : 0) + (c.purpose !== undefined ? 1 : 0);
    if (kinds !== 1) {
      out.push({
        kind: 'CONSENT_KIND',
        path: base,
        message: 'expected: exactly one of to, actions, purpose',
      });
    }
    unknownParty(c.by, `${base}/by`);
    // §3: only the originator's consent counts; anyone else's is a record that misleads.
    if (reg.parties.has(c.by) && c.by !== label.originator) {
      out.push({
        kind: 'CONSENT_NOT_BY_ORIGINATOR',
        path: `${base}/by`,
        message: `expected: the originator ${label.originator}, who alone gives consent`,
      });
    }
    if (c.to !== undefined) unknownParty(c.to, `${base}/to`);
    if (c.holder !== undefined) unknownParty(c.holder, `${base}/holder`);
    if (c.actions) duplicates(c.actions, `${base}/actions`, 'action', out);
    if (c.purpose !== undefined && c.purpose.trim() === '') {
      out.push({ kind: 'EMPTY_PURPOSE', path: `${base}/purpose`, message: 'expected: a purpose in words' });
    }
    if (c.expires !== undefined && Date.parse(c.expires) <= Date.parse(c.at)) {
      out.push({
        kind: 'CONSENT_EXPIRY',
        path: `${base}/expires`,
        message: `expected: an expiry after the consent was given (${c.at})`,
      });
    }
  });
  return out;
}

/**
 * Returns the label typed when `validateLabel` finds nothing; else throws ReltoError INVALID_LABEL naming
 * the first problem's pointer (prefixed with `base`, the label's own pointer in a larger document), with
 * every problem in `details`.
 */
export function assertValidLabel(reg: CompiledRegistry, input: unknown, base = ''): LabelT {
  const problems = validateLabel(reg, input);
  if (problems.length > 0) {
    const first = problems[0];
    throw new ReltoError(
      'INVALID_LABEL',
      `${base}${first.path || ''}: ${first.message}`,
      `${base}${first.path}`,
      problems.map((p) => ({ ...p, path: `${base}${p.path}` })),
    );
  }
  return input as LabelT;
}
