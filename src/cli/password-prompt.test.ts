import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, openNode } from '../node/index.js';
import { runCli } from './test-support/run-cli.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));
/** util-linux `script` runs a command on a real pseudo-terminal, as a person at a terminal would. */
const hasScript = spawnSync('script', ['--version']).status === 0;

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `relto ARGS` on a pseudo-terminal and answers each prompt (a text the terminal shows) with a line
 * typed as a person types it (ending in Enter). Returns the exit code and everything the terminal showed,
 * which would include the typed characters had they been echoed.
 */
function onTerminal(
  args: string[],
  answers: [prompt: string, typed: string][],
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let next = 0;
  let seen = 0;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
    const answer = answers[next];
    if (!answer) return;
    const at = screen.indexOf(answer[0], seen);
    if (at < 0) return;
    seen = at + answer[0].length;
    next++;
    child.stdin.write(`${answer[1]}\r`);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}

let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relto-prompt-'));
  await createNode({ dataDir, party: 'KOR' });
}, 60_000);

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function signsIn(name: string, password: string): Promise<boolean> {
  const node = await openNode({ dataDir });
  try {
    return (await node.authenticateBasic(name, password)) !== null;
  } finally {
    await node.close();
  }
}

describe('passwords', () => {
  it.skipIf(!hasScript)(
    'are prompted without echo on a terminal, twice for a new one, and what was typed is the password',
    async () => {
      const typed = 'typed-not-shown-1';
      const r = await onTerminal(
        ['user', 'add', '--data', dataDir, '--name', 'tty-user', '--clearance', 'II', '--roles', 'analyst'],
        [
          ['New password for tty-user: ', typed],
          ['Once more: ', typed],
        ],
      );
      expect(r.code, r.screen).toBe(0);
      expect(r.screen).toContain('New password for tty-user: ');
      expect(r.screen).toContain('"name": "tty-user"');
      expect(r.screen).not.toContain(typed);
      expect(r.screen).not.toContain('*'.repeat(typed.length));
      expect(await signsIn('tty-user', typed)).toBe(true);
    },
    60_000,
  );

  it.skipIf(!hasScript)(
    'typed twice differently on a terminal, change nothing and exit 2',
    async () => {
      const r = await onTerminal(
        ['user', 'add', '--data', dataDir, '--name', 'tty-typo', '--clearance', 'II', '--roles', 'analyst'],
        [
          ['New password for tty-typo: ', 'first-attempt-1'],
          ['Once more: ', 'first-attemtp-1'],
        ],
      );
      expect(r.code).toBe(2);
      expect(r.screen).toContain('INVALID_ARGUMENT');
      expect(r.screen).not.toContain('first-att');
      const node = await openNode({ dataDir });
      try {
        expect(await node.admin.getUser('tty-typo')).toBeNull();
      } finally {
        await node.close();
      }
    },
    60_000,
  );

  it('come from standard input for scripts: the first line, without its line ending', async () => {
    const r = runCli(
      ['user', 'add', '--data', dataDir, '--name', 'piped-user', '--clearance', 'II', '--roles', 'analyst'],
      'piped-password-1\r\nthe second line is not the password\n',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/password for/i); // no prompt when nobody is at a terminal
    expect(await signsIn('piped-user', 'piped-password-1')).toBe(true);
    const set = runCli(
      ['user', 'set', '--data', dataDir, '--name', 'piped-user', '--password'],
      'changed-password-2',
    );
    expect(set.status, set.stderr).toBe(0);
    expect(await signsIn('piped-user', 'changed-password-2')).toBe(true);
  }, 60_000);
});
