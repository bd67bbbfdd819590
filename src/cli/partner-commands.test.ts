import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPartners } from '../node/exchange/index.js';
import { openNode } from '../node/index.js';
import { runCli as runWithEnv } from './test-support/run-cli.js';

/**
 * Issue 10, item 4: `relto partner add` of a party already present is refused (exit 1, PARTNER_EXISTS) unless
 * `--replace` is given; a replacement prints the old and new key fingerprints and is audited with them and
 * with who ran it.
 */

function runCli(args: string[], input?: string) {
  const saved = process.env.RELTO_PG_URL;
  delete process.env.RELTO_PG_URL;
  try {
    return runWithEnv(args, input);
  } finally {
    if (saved !== undefined) process.env.RELTO_PG_URL = saved;
  }
}

interface Keys {
  signingKey: string;
  encryptionKey: string;
  tlsCa: string;
}

const root = mkdtempSync(join(tmpdir(), 'relto-cli-partner-'));
const kor = join(root, 'KOR');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A node's public identity written to a file (`node key`), e.g. for two installs of one party. */
function keyFile(party: string, name: string): string {
  const data = join(root, name);
  expect(runCli(['node', 'init', '--party', party, '--data', data]).status).toBe(0);
  const key = runCli(['node', 'key', '--data', data]);
  expect(key.status).toBe(0);
  const file = join(root, `${name}.key.json`);
  writeFileSync(file, key.stdout);
  return file;
}

const add = (file: string, ...more: string[]) =>
  runCli(['partner', 'add', '--data', kor, '--url', 'https://127.0.0.1:7425', '--key', file, ...more]);

async function held(party: string) {
  const node = await openNode({ dataDir: kor });
  try {
    const partner = (await listPartners(node.store)).find((p) => p.party === party);
    await node.flushAudit();
    const entries = (await node.store.readAudit(0, await node.store.auditSize())).map(
      (r) =>
        JSON.parse(r.entry) as { action?: string; subjects?: string[]; details?: Record<string, unknown> },
    );
    return { partner, entries: entries.filter((e) => e.action?.startsWith('partner-')) };
  } finally {
    await node.close();
  }
}

let jpn: string;
let jpnAgain: string;
let first: { keys: Keys; replaced: unknown };

beforeAll(() => {
  expect(runCli(['node', 'init', '--party', 'KOR', '--data', kor]).status).toBe(0);
  jpn = keyFile('JPN', 'JPN');
  jpnAgain = keyFile('JPN', 'JPN-reinstalled');
}, 60_000);

describe('relto partner add', () => {
  it('adds a new partner (exit 0), printing its key fingerprints, audited as partner-add', async () => {
    const r = add(jpn);
    expect(r.status).toBe(0);
    first = JSON.parse(r.stdout);
    expect(first).toMatchObject({ party: 'JPN', replaced: null });
    expect(first.keys.signingKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { entries } = await held('JPN');
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'partner-add',
        subjects: ['JPN'],
        details: expect.objectContaining({ keys: first.keys }),
      }),
    );
  });

  it('refuses a party already present without --replace: exit 1, PARTNER_EXISTS, the held keys kept', async () => {
    const r = add(jpnAgain);
    expect(r.status).toBe(1);
    const error = JSON.parse(r.stderr).error;
    expect(error.code).toBe('PARTNER_EXISTS');
    expect(error.message).toContain('--replace');
    const { partner, entries } = await held('JPN');
    expect(partner!.identity.signingKey.x).toBe(
      JSON.parse(runCli(['node', 'key', '--data', join(root, 'JPN')]).stdout).signingKey.x,
    );
    expect(entries.filter((e) => e.action === 'partner-replace')).toEqual([]);
  });

  it('with --replace: exit 0, prints the old and new fingerprints, audited with both and who ran it', async () => {
    const r = add(jpnAgain, '--replace');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { keys: Keys; replaced: { url: string; keys: Keys } };
    expect(out.replaced.keys).toEqual(first.keys);
    expect(out.keys.signingKey).not.toBe(first.keys.signingKey);
    expect(out.keys.tlsCa).not.toBe(first.keys.tlsCa);
    const { partner, entries } = await held('JPN');
    expect(partner!.identity.signingKey.x).toBe(
      JSON.parse(runCli(['node', 'key', '--data', join(root, 'JPN-reinstalled')]).stdout).signingKey.x,
    );
    const entry = entries.find((e) => e.action === 'partner-replace');
    expect(entry).toMatchObject({
      subjects: ['JPN'],
      details: { keys: out.keys, replaced: { keys: first.keys } },
    });
    expect(typeof entry!.details!.operator).toBe('string');
    expect(entry!.details!.operator).not.toBe('');
  });

  it("refuses the node's own identity as a partner (exit 2) and stores nothing", async () => {
    const own = join(root, 'KOR.key.json');
    writeFileSync(own, runCli(['node', 'key', '--data', kor]).stdout);
    const r = add(own);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('INVALID_ARGUMENT');
    expect((await held('KOR')).partner).toBeUndefined();
  });
});
