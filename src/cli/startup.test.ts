import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDir } from '../registry/index.js';

/*
 * A CLI call loads what its command needs, not the whole node: the modules each command loads are traced
 * through a module loader hook (no timing here, only which packages load).
 */

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'relto-startup-'));
const trace = join(dir, 'trace.txt');
const hooks = join(dir, 'hooks.mjs');
const register = join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(trace)}, url + '\\n');
  return next(url, context);
}
`,
);
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages (node_modules names) a CLI call loads. */
function packagesLoaded(args: string[], input?: string): Set<string> {
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const packages = new Set<string>();
  for (const url of readFileSync(trace, 'utf8').split('\n')) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m) packages.add(m[1]!);
  }
  return packages;
}

const request = readFileSync(`${dataDir}policy-vectors.public.jsonl`, 'utf8').split('\n')[0]!;
const serverSide = [
  'fastify',
  'kysely',
  'better-sqlite3',
  'pg',
  'jose',
  'ws',
  'nats',
  'pino',
  '@peculiar/x509',
];

describe('what a CLI call loads', () => {
  it('relto --help loads no command module: only commander', () => {
    expect([...packagesLoaded(['--help'])]).toEqual(['commander']);
  });

  it('relto policy check loads none of the server, store or crypto packages', () => {
    const loaded = packagesLoaded(['policy', 'check', '-'], JSON.stringify(JSON.parse(request).request));
    for (const p of serverSide) expect(loaded.has(p), p).toBe(false);
  });

  it('relto label loads none of the server, store or crypto packages', () => {
    const loaded = packagesLoaded(['label', '--originator', 'KOR', '--classification', 'II']);
    for (const p of serverSide) expect(loaded.has(p), p).toBe(false);
  });
});
