import type { ErrorObject } from 'ajv';
import type { Validator } from '../codegen/index.js';
import { pointer, ReltoError } from '../errors/index.js';
import { isValidTimeZone, parseDate } from './calendar.js';
import { noticeTakesEffect } from './lifecycle.js';
import { validate } from './registry-validator.generated.js';
import type { Registry as RegistryT } from './schema.js';

/** One thing wrong with a registry: where (JSON Pointer) and what was expected there. */
export interface RegistryProblem {
  path: string;
  message: string;
}

/** Generated from the Registry schema (src/codegen/validators.ts): no schema compiled at start-up. */
const checkShape = validate as unknown as Validator<RegistryT>;

function describe(e: ErrorObject): RegistryProblem {
  let path = e.instancePath;
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    path = `${path}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    message = 'is not a known property';
  } else if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    path = `${path}/${missing}`;
    message = 'is required';
  } else if (e.keyword === 'enum' || e.keyword === 'const') {
    message = `must be one of ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues ?? e.params)}`;
  }
  return { path, message: `expected: ${message}` };
}

/** How far to check: `shapeKnown` for the registry shipped with relto, whose shape its tests check. */
export interface RegistryCheckOptions {
  shapeKnown?: boolean;
}

/**
 * Shape problems first (schema), then meaning (contracts §2): both name a JSON Pointer. With `shapeKnown`
 * (the shipped registry only) the schema check is skipped: compiling it is most of the start-up of a
 * command that reads the built-in registry, and the shipped file cannot change shape after its tests.
 */
export function registryProblems(input: unknown, options: RegistryCheckOptions = {}): RegistryProblem[] {
  if (options.shapeKnown) return semanticProblems(input as RegistryT);
  if (!checkShape(input)) {
    // anyOf/union noise repeats the same pointer; keep the most specific message per pointer.
    const seen = new Map<string, RegistryProblem>();
    for (const e of checkShape.errors ?? []) {
      if (e.keyword === 'anyOf') continue;
      const p = describe(e);
      if (!seen.has(p.path)) seen.set(p.path, p);
    }
    return [...seen.values()];
  }
  return semanticProblems(input);
}

function semanticProblems(reg: RegistryT): RegistryProblem[] {
  const problems: RegistryProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const parties = new Map<string, { levels: Set<string>; designations: Set<string> }>();
  reg.parties.forEach((party, i) => {
    if (parties.has(party.code))
      add(pointer('parties', i, 'code'), `expected: a party code not used before (${party.code})`);
    const levels = new Set<string>();
    const ranks = new Set<number>();
    party.levels.forEach((level, j) => {
      if (levels.has(level.id))
        add(pointer('parties', i, 'levels', j, 'id'), `expected: a level id unique in ${party.code}`);
      if (ranks.has(level.rank))
        add(pointer('parties', i, 'levels', j, 'rank'), `expected: a rank unique in ${party.code}`);
      levels.add(level.id);
      ranks.add(level.rank);
    });
    // R33: the rank-0 level is unclassified; every scheme has one.
    if (!ranks.has(0)) add(pointer('parties', i, 'levels'), 'expected: one level with rank 0 (unclassified)');
    const designations = new Set<string>();
    party.designations.forEach((d, j) => {
      if (designations.has(d.id) || levels.has(d.id)) {
        add(
          pointer('parties', i, 'designations', j, 'id'),
          `expected: a designation id unique in ${party.code}`,
        );
      }
      designations.add(d.id);
    });
    parties.set(party.code, { levels, designations });
  });

  const agreementIds = new Set<string>();
  const bilateralPairs = new Map<string, string>();
  // A party's level sits in at most one tier across all agreements (contracts §2).
  const tierOfLevel = new Map<string, { tier: string; where: string }>();

  reg.agreements.forEach((ag, i) => {
    const at = (...t: (string | number)[]) => pointer('agreements', i, ...t);
    if (agreementIds.has(ag.id)) add(at('id'), `expected: an agreement id not used before (${ag.id})`);
    agreementIds.add(ag.id);
    ag.parties.forEach((p, j) => {
      if (!parties.has(p)) add(at('parties', j), `expected: a party of the registry, not ${p}`);
    });
    if (!isValidTimeZone(ag.timeZone)) add(at('timeZone'), `expected: an IANA time zone, not ${ag.timeZone}`);

    if (ag.kind === 'bilateral') {
      if (ag.parties.length !== 2)
        add(at('parties'), 'expected: exactly two parties in a bilateral agreement');
      if (ag.hub !== null) add(at('hub'), 'expected: null (a bilateral agreement has no hub)');
      const pair = [...ag.parties].sort().join('|');
      const other = bilateralPairs.get(pair);
      if (other !== undefined)
        add(at('parties'), `expected: one bilateral agreement per pair (${other} already covers it)`);
      else bilateralPairs.set(pair, ag.id);
    } else {
      if (ag.hub === null || !ag.parties.includes(ag.hub))
        add(at('hub'), 'expected: the relaying party, one of parties');
    }

    const tiers = new Set<string>();
    ag.table.forEach((row, r) => {
      if (tiers.has(row.tier))
        add(at('table', r, 'tier'), `expected: a tier listed once per agreement (${row.tier})`);
      tiers.add(row.tier);
      const entries = Object.entries(row.levels);
      if (ag.kind === 'relay' && entries.length > 0) {
        add(
          at('table', r, 'levels'),
          'expected: empty levels in a relay (it uses the bilateral tables of its legs)',
        );
      }
      for (const [party, ids] of entries) {
        const scheme = parties.get(party);
        if (!ag.parties.includes(party) || !scheme) {
          add(at('table', r, 'levels', party), 'expected: a party of this agreement');
          continue;
        }
        ids.forEach((id, k) => {
          const isLevel = scheme.levels.has(id);
          const isDesignation = scheme.designations.has(id);
          if (!isLevel && !isDesignation) {
            add(
              at('table', r, 'levels', party, k),
              `expected: a level or designation of ${party}, not ${id}`,
            );
            return;
          }
          // R6: the first level listed is the one marked on received items, so it must be a level.
          if (k === 0 && !isLevel)
            add(at('table', r, 'levels', party, k), 'expected: a level (not a designation) first');
          if (!isLevel) return;
          const key = `${party}:${id}`;
          const prior = tierOfLevel.get(key);
          if (prior && prior.tier !== row.tier) {
            add(
              at('table', r, 'levels', party, k),
              `expected: ${key} in one tier only (it is in ${prior.tier} at ${prior.where})`,
            );
          } else if (!prior) tierOfLevel.set(key, { tier: row.tier, where: at('table', r) });
        });
      }
    });

    eventProblems(ag, at, add, parties);
  });
  return problems;
}

function eventProblems(
  ag: RegistryT['agreements'][number],
  at: (...t: (string | number)[]) => string,
  add: (path: string, message: string) => void,
  parties: Map<string, unknown>,
): void {
  // R19: the allowed sequence; events in date order; nothing after termination.
  let state = 'not-in-force';
  let dispute = false;
  let entry: string | null = null;
  let noticeEffective: string | null = null;
  let previous = '';
  ag.events.forEach((ev, e) => {
    if (!parseDate(ev.date)) {
      add(at('events', e, 'date'), `expected: a calendar date YYYY-MM-DD, not ${ev.date}`);
      return;
    }
    if (ev.date < previous)
      add(at('events', e, 'date'), `expected: a date on or after ${previous} (events in date order)`);
    previous = ev.date;
    if (ev.by !== undefined && (!ag.parties.includes(ev.by) || !parties.has(ev.by))) {
      add(at('events', e, 'by'), 'expected: a party of this agreement');
    }
    if (state === 'termination-notified' && noticeEffective !== null && noticeEffective <= ev.date)
      state = 'terminated';
    const wrong = (expected: string) =>
      add(at('events', e, 'type'), `expected: ${expected} (state is ${state})`);
    switch (ev.type) {
      case 'entry-into-force':
        if (state !== 'not-in-force') wrong('entry-into-force only once, first');
        state = 'in-force';
        entry = ev.date;
        break;
      case 'termination-notice':
        if (state !== 'in-force') wrong('a termination notice only while in force');
        state = 'termination-notified';
        noticeEffective = noticeTakesEffect(ag, entry ?? ev.date, ev.date);
        break;
      case 'notice-suspended':
        if (state !== 'termination-notified') wrong('a suspension only after a termination notice');
        state = 'notice-suspended';
        break;
      case 'notice-withdrawn':
        if (state !== 'termination-notified' && state !== 'notice-suspended') {
          wrong('a withdrawal only after a termination notice or suspension');
        }
        state = 'in-force';
        noticeEffective = null;
        break;
      case 'terminated':
        if (state === 'not-in-force' || state === 'terminated')
          wrong('termination only of an agreement in force');
        state = 'terminated';
        break;
      case 'dispute-opened':
        if (state === 'not-in-force' || state === 'terminated')
          wrong('a dispute only while the agreement lives');
        if (dispute) wrong('one open dispute at a time');
        dispute = true;
        break;
      case 'dispute-closed':
        if (!dispute) wrong('dispute-closed only after dispute-opened');
        dispute = false;
        break;
    }
  });
}

/** Validates a registry, throwing INVALID_REGISTRY naming the first problem's pointer (all in details). */
export function assertValidRegistry(input: unknown, options: RegistryCheckOptions = {}): RegistryT {
  const problems = registryProblems(input, options);
  if (problems.length > 0) {
    const first = problems[0];
    throw new ReltoError('INVALID_REGISTRY', `registry ${first.path || '/'}: ${first.message}`, first.path, {
      problems,
    });
  }
  return input as RegistryT;
}
