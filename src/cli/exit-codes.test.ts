import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from '../http/index.js';
import { realNode } from '../http/test-support/nodes.js';
import { areas, buildProgram } from './program.js';

/*
 * The exit codes of the README hold for every command (contracts §5): 2 and a JSON error on stderr for a
 * malformed argument, 1 and the node's code for an operation a running node refuses. The commands are
 * read from the program itself, so a command added later is driven too.
 */

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function relto(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, RELTO_PG_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs `jobs` a few at a time (the machine's cores are shared). */
async function inTurns<T>(jobs: (() => Promise<T>)[], width = 4): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

function expectJsonError(r: Run, code: string | string[], what: string): void {
  const line = r.stderr.trim().split('\n').at(-1) ?? '';
  let parsed: { error?: { code?: unknown; message?: unknown; path?: unknown } };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`${what}: stderr is not a JSON error: ${r.stderr}`);
  }
  expect(Array.isArray(code) ? code : [code], what).toContain(parsed.error?.code);
  expect(typeof parsed.error?.message, what).toBe('string');
  expect(typeof parsed.error?.path, what).toBe('string');
}

/** Every runnable command as its words (`client releases`, `label`), from every area of the program. */
async function leafCommands(): Promise<{ words: string[]; command: Command }[]> {
  const out = new Map<string, { words: string[]; command: Command }>();
  const walk = (c: Command, words: string[]) => {
    const subs = c.commands.filter((s) => s.name() !== 'help');
    if (subs.length === 0) out.set(words.join(' '), { words, command: c });
    for (const s of subs) walk(s, [...words, s.name()]);
  };
  for (const name of Object.keys(areas)) {
    const program = await buildProgram(name);
    const top = program.commands.find((c) => c.name() === name)!;
    walk(top, [name]);
  }
  return [...out.values()];
}

describe('exit codes of every command (contracts §5)', () => {
  it('every command refuses a malformed argument with exit 2 and a JSON error on stderr', async () => {
    const leaves = await leafCommands();
    expect(leaves.map((l) => l.words.join(' '))).toEqual(
      expect.arrayContaining([
        'policy check',
        'label',
        'node key',
        'client releases',
        'client audit',
        'serve',
      ]),
    );
    const runs = await inTurns(leaves.map((l) => () => relto([...l.words, '--no-such-option'])));
    runs.forEach((r, i) => {
      const what = leaves[i]!.words.join(' ');
      expect(r.status, `${what}: ${r.stderr}`).toBe(2);
      expectJsonError(r, 'INVALID_ARGUMENT', what);
    });
  }, 300_000);

  it('relto --version prints the package version; an unknown command exits 2', async () => {
    const { version } = JSON.parse(
      (await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const v = await relto(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    const unknown = await relto(['no-such-command']);
    expect(unknown.status).toBe(2);
    expectJsonError(unknown, 'INVALID_ARGUMENT', 'unknown command');
  }, 60_000);
});

describe('client commands a running node refuses exit 1 with its code', () => {
  let app: ReltoApp;
  let url: string;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const made = await realNode('sqlite');
    cleanup = made.cleanup;
    app = await buildApp(made.node);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    dir = mkdtempSync(join(tmpdir(), 'relto-exit-'));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every client command signed in with a wrong password exits 1 (UNAUTHENTICATED, or throttled)', async () => {
    const file = join(dir, 'input.json');
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--x', objects: [] }));
    // Arguments a command needs to get as far as signing in (the rest are filled in from its definition).
    const needs: Record<string, string[]> = { 'request-consent': ['--to', 'USA'] };
    const clients = (await leafCommands()).filter((l) => l.words[0] === 'client');
    expect(clients.length).toBeGreaterThanOrEqual(13);
    const argsOf = (words: string[], c: Command) => {
      const args = [...words];
      for (const a of c.registeredArguments) if (a.required) args.push(a.name() === 'file' ? file : 'x');
      for (const o of c.options) {
        if (o.mandatory && o.long !== '--user' && o.long !== '--node') args.push(o.long!, 'USA');
      }
      return [...args, ...(needs[words[1]!] ?? []), '--node', url, '--user', 'analyst'];
    };
    const runs = await inTurns(
      clients.map((l) => () => relto(argsOf(l.words, l.command), 'not-the-password\n')),
    );
    runs.forEach((r, i) => {
      const what = clients[i]!.words.join(' ');
      expect(r.status, `${what}: ${r.stderr}`).toBe(1);
      // Failed sign-ins from one address are throttled after a few: a refusal all the same.
      expectJsonError(r, ['UNAUTHENTICATED', 'TOO_MANY_ATTEMPTS'], what);
    });
  }, 300_000);
});

describe('relto node key only prints', () => {
  it('exits 2 for a missing or half-made data folder and creates nothing; prints an initialised one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'relto-key-'));
    try {
      const missing = join(root, 'missing');
      const r = await relto(['node', 'key', '--data', missing]);
      expect(r.status).toBe(2);
      expectJsonError(r, 'NODE_NOT_INITIALISED', 'missing folder');
      expect(readdirSync(root)).toEqual([]);

      const data = join(root, 'kor');
      expect((await relto(['node', 'init', '--party', 'KOR', '--data', data])).status).toBe(0);
      const snapshot = () =>
        readdirSync(join(data, 'keys'))
          .sort()
          .map((f) => `${f}:${statSync(join(data, 'keys', f)).mtimeMs}`);
      const before = snapshot();
      const printed = await relto(['node', 'key', '--data', data]);
      expect(printed.status, printed.stderr).toBe(0);
      expect(JSON.parse(printed.stdout)).toMatchObject({ party: 'KOR' });
      expect(snapshot()).toEqual(before);

      // A folder whose identity is incomplete (as `node init` made it before) is reported, not completed.
      rmSync(join(data, 'keys', 'encryption.jwk'));
      const partial = snapshot();
      const half = await relto(['node', 'key', '--data', data]);
      expect(half.status).toBe(2);
      expectJsonError(half, 'NODE_NOT_INITIALISED', 'half-made folder');
      expect(snapshot()).toEqual(partial);

      mkdirSync(join(root, 'empty'));
      const empty = await relto(['node', 'key', '--data', join(root, 'empty')]);
      expect(empty.status).toBe(2);
      expect(readdirSync(join(root, 'empty'))).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
