import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, RULE_OR_SECTION, reasonCodes } from '../errors/index.js';
import {
  bundle,
  LOW_MARKING,
  mixedReport,
  SECRET_LABEL,
  SECRET_MARKING,
  secretReport,
} from './test-support/fixtures.js';
import { type Harness, harness } from './test-support/harness.js';
import { nodeFactories } from './test-support/nodes.js';

/** Every string in a JSON value, with where it is. */
function strings(value: unknown, at = ''): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}/${i}`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}/${k}`));
  }
  return [];
}

/**
 * What a user reads says what a rule means, not its number nor a spec section: OpenAPI text, the messages
 * of errors and of decisions' reasons (the `rule` field of a reason is data a program reads, and stays).
 */
describe('words a user reads', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(await nodeFactories['real (SQLite)']!());
  });
  afterAll(async () => {
    await h?.close();
    await h?.node.close();
  });

  it('names no rule number and no spec section in any text of the OpenAPI document', async () => {
    const spec = (await h.app.inject({ url: '/docs/json' })).json();
    const texts = strings(spec).filter(({ at }) =>
      /\/(summary|description|title|example|examples)(\/|$)/.test(at),
    );
    expect(texts.length).toBeGreaterThan(100);
    // a decision answer's example carries `rule` as data (the rule field), not as words
    const words = texts.filter(({ at }) => !at.endsWith('/rule'));
    expect(words.filter(({ text }) => RULE_OR_SECTION.test(text))).toEqual([]);
  });

  it('names none in the default message of any error or reason code', () => {
    const messages = [
      ...Object.entries(errorCodes).map(([code, e]) => `${code}: ${e.message}`),
      ...Object.entries(reasonCodes).map(([code, r]) => `${code}: ${r.message}`),
    ];
    expect(messages.filter((m) => RULE_OR_SECTION.test(m))).toEqual([]);
  });

  it('names none in the errors and decisions the API gives for mistaken or refused requests', async () => {
    const r = mixedReport(61);
    const s = secretReport(62);
    await h.api('analyst', 'POST', '/api/v1/items', bundle([r, s]));
    const missing = 'report--00000000-0000-4000-8000-000000000000';
    const answers = await Promise.all([
      h.app.inject({ url: '/api/v1/items' }),
      h.api('analyst', 'PUT', '/api/v1/me'),
      h.api('analyst', 'GET', '/api/v1/nothing'),
      h.api('analyst', 'GET', '/api/v1/items?limit=0'),
      h.api('analyst', 'GET', `/api/v1/items/${r.id}?lang=fr`),
      h.api('analyst', 'GET', `/api/v1/items/${missing}`),
      h.api('analyst', 'DELETE', `/api/v1/items/${r.id}`),
      h.api('analyst-low', 'POST', `/api/v1/items/${s.id}/custody/copy`, {}),
      h.api('analyst', 'POST', `/api/v1/items/${r.id}/reclassify`, { marking: SECRET_MARKING }),
      h.api('security', 'POST', `/api/v1/items/${r.id}/reclassify`, {
        marking: { ...SECRET_MARKING, id: LOW_MARKING.id },
      }),
      h.api('security', 'POST', `/api/v1/items/${r.id}/reclassify`, { label: SECRET_LABEL }),
      h.api('analyst', 'POST', '/api/v1/compromises', { items: [r.id] }),
      h.api('analyst', 'GET', '/api/v1/audit/proofs/consistency?from=1&to=2'),
      h.api('analyst', 'GET', '/api/v1/audit/entries?from=3&to=1'),
      h.api('analyst', 'POST', '/api/v1/items', { objects: [{ type: 'report' }] }),
      h.api('analyst', 'POST', '/api/v1/search', { text: 1 }),
      h.api('analyst', 'POST', '/api/v1/releases', { item: r.id, to: 'JPN' }),
      h.api('analyst-low', 'POST', '/api/v1/decide', {
        at: '2026-03-01T00:00:00Z',
        action: 'release',
        item: { label: SECRET_LABEL },
        release: { to: 'JPN' },
      }),
    ]);
    const offending: string[] = [];
    for (const res of answers) {
      const body = res.json();
      const said = [
        ...(body.error ? [body.error.message as string] : []),
        ...((body.reasons ?? []) as { message: string }[]).map((x) => x.message),
      ];
      expect(said.length, res.body).toBeGreaterThan(0);
      for (const m of said) if (RULE_OR_SECTION.test(m)) offending.push(`${res.statusCode} ${m}`);
    }
    expect(offending).toEqual([]);
  });
});
