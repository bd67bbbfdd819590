/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from './rules.js';

// The agreement rules as the project's shared material holds them beside the repository.
const spec = readFileSync(new URL('../../../../../shared/spec/agreement-rules.md', import.meta.url), 'utf8');

/** Each `- **Rn** …` item with its continuation lines, as one line of plain text. */
function parseRules(md: string): Record<string, string> {
  const rules: Record<string, string> = {};
  let cur: string | null = null;
  for (const line of md.split('\n')) {
    const m = /^- \*\*(R\d+)\*\* (.*)$/.exec(line);
    if (m) {
      cur = m[1]!;
      rules[cur] = m[2]!;
    } else if (cur && /^ {2}\S/.test(line)) rules[cur] += ` ${line.trim()}`;
    else cur = null;
  }
  return rules;
}

/** What a person reads: no markdown, and no sentence that points into the specification's sections. */
function asShown(text: string): string {
  return text
    .replace(/\*\*|`/g, '')
    .split(/(?<=\.)\s+(?=[A-Z(])/)
    .filter((s) => !/contracts\.md|§/.test(s))
    .join(' ')
    .trim();
}

describe('the rule texts shown beside a decision', () => {
  it('are the agreement rules, every one, word for word', () => {
    const parsed = parseRules(spec);
    expect(Object.keys(parsed).length).toBeGreaterThanOrEqual(36);
    expect(RULES).toEqual(Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, asShown(v)])));
  });

  it('never name a section of the specification', () => {
    for (const text of Object.values(RULES)) expect(text).not.toMatch(/§|contracts\.md|\*\*/);
  });
});
