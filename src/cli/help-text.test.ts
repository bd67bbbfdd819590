import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { RULE_OR_SECTION } from '../errors/index.js';
import { areas, buildProgram } from './program.js';

/** Every command and subcommand under `c`, with its full name. */
function walk(c: Command, prefix: string): { name: string; command: Command }[] {
  const name = prefix ? `${prefix} ${c.name()}` : c.name();
  return [{ name, command: c }, ...c.commands.flatMap((sub) => walk(sub, name))];
}

describe('command-line help', () => {
  it('names no rule number and no spec section in any --help, of every command and subcommand', async () => {
    const offending: string[] = [];
    const top = await buildProgram();
    const helps = [{ name: 'relto', text: top.helpInformation() }];
    for (const area of Object.keys(areas)) {
      const program = await buildProgram(area);
      for (const { name, command } of walk(program, '')) {
        if (name === 'relto') continue;
        helps.push({ name, text: command.helpInformation() });
      }
    }
    for (const { name, text } of helps) {
      for (const line of text.split('\n')) {
        if (RULE_OR_SECTION.test(line)) offending.push(`${name}: ${line.trim()}`);
      }
    }
    expect(helps.length).toBeGreaterThan(30);
    expect([...new Set(offending)]).toEqual([]);
  });
});
