import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ReltoApp } from '../http/index.js';
import { type InProcessNode, inProcessNodes } from '../node/exchange/test-support/in-process.js';
import { labelledReport, PASSWORD } from '../node/exchange/test-support/three-nodes.js';
import { loadBuiltinRegistry } from '../registry/index.js';

/**
 * `relto client release | approve | refuse | request-consent` against a node with its exchange (issue 10,
 * items 2 and 5): a releasing officer refuses with a note, a decided request stays decided, and what is
 * filed is checked at once, the id at fault named, with the exit codes of contracts §5.
 */

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary asynchronously (the node answering it lives in this process). */
function relto(args: string[], input = `${PASSWORD}\n`): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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

const errorOf = (r: Run) => JSON.parse(r.stderr).error as { code: string; message: string; path: string };

let nodes: Record<string, InProcessNode>;
let cleanup: () => Promise<void>;
let app: ReltoApp;
let url: string;

async function listening(app: ReltoApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  ({ nodes, cleanup } = await inProcessNodes(['KOR', 'JPN']));
  app = await buildApp(nodes.KOR!.node);
  url = await listening(app);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

const as = (user: string, node = url) => ['--node', node, '--user', user];

async function postedReport(): Promise<string> {
  const { report, bundle } = labelledReport({
    originator: 'KOR',
    classification: 'II',
    releasableTo: ['JPN', 'KOR'],
    topics: ['DPRK-MISSILE'],
  });
  const kor = nodes.KOR!;
  await kor.node.postObjects(await kor.person('analyst'), (bundle as { objects: unknown[] }).objects);
  return report.id;
}

describe('relto client refuse (R18, R34)', () => {
  it('a releasing officer refuses with --note; the request shows it; approving it then exits 1 ALREADY_DECIDED', async () => {
    const item = await postedReport();
    const filed = await relto(['client', 'release', item, '--to', 'JPN', ...as('analyst')]);
    expect(filed.status, filed.stderr).toBe(0);
    const request = JSON.parse(filed.stdout) as { id: string; status: string };
    expect(request.status).toBe('pending');

    const byAnalyst = await relto(['client', 'refuse', request.id, ...as('analyst')]);
    expect(byAnalyst.status).toBe(1);
    expect(errorOf(byAnalyst).code).toBe('FORBIDDEN');

    const refused = await relto([
      'client',
      'refuse',
      request.id,
      '--note',
      'summary only, please',
      ...as('officer'),
    ]);
    expect(refused.status, refused.stderr).toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      id: request.id,
      status: 'refused',
      refusal: { by: 'officer', note: 'summary only, please' },
    });

    const approve = await relto(['client', 'approve', request.id, ...as('officer2')]);
    expect(approve.status).toBe(1);
    expect(errorOf(approve).code).toBe('ALREADY_DECIDED');
    const again = await relto(['client', 'refuse', request.id, ...as('officer2')]);
    expect(again.status).toBe(1);
    expect(errorOf(again).code).toBe('ALREADY_DECIDED');
    const outbox = await nodes.KOR!.node.store.listExchange({ kind: 'outbox' });
    expect(JSON.stringify(outbox)).not.toContain(item);
  }, 120_000);

  it('--help names the note', async () => {
    const help = await relto(['client', 'refuse', '--help'], '');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--note');
  });
});

describe('what is filed is checked at once, the id at fault named (exit 2)', () => {
  it('release: an unknown party (UNKNOWN_PARTY) and an unknown agreement (UNKNOWN_AGREEMENT)', async () => {
    const item = await postedReport();
    const party = await relto(['client', 'release', item, '--to', 'XYZ', ...as('analyst')]);
    expect(party.status).toBe(2);
    expect(errorOf(party)).toMatchObject({ code: 'UNKNOWN_PARTY', path: '/to' });
    expect(errorOf(party).message).toContain('XYZ');
    const agreement = await relto([
      'client',
      'release',
      item,
      '--to',
      'JPN',
      '--under',
      'GSOMIA',
      ...as('analyst'),
    ]);
    expect(agreement.status).toBe(2);
    expect(errorOf(agreement)).toMatchObject({ code: 'UNKNOWN_AGREEMENT', path: '/under' });
    expect(errorOf(agreement).message).toContain('GSOMIA');
  }, 120_000);

  it('request-consent: an unknown party (UNKNOWN_PARTY)', async () => {
    const r = await relto(['client', 'request-consent', 'report--x', '--to', 'XYZ', ...as('analyst')]);
    expect(r.status).toBe(2);
    expect(errorOf(r)).toMatchObject({ code: 'UNKNOWN_PARTY', path: '/to' });
    expect(errorOf(r).message).toContain('XYZ');
  }, 120_000);

  it('R24: a missing --under where only the relay allows it (UNDER_REQUIRED names the relay)', async () => {
    const registry = loadBuiltinRegistry();
    registry.agreements
      .find((a) => a.id === 'USA-JPN-GSOMIA')!
      .events.push({ type: 'terminated', date: '2025-01-01', by: 'USA' } as never);
    const dir = mkdtempSync(join(tmpdir(), 'relto-registry-'));
    const registryFile = join(dir, 'registry.json');
    writeFileSync(registryFile, JSON.stringify(registry));
    const usa = await inProcessNodes(['USA'], { registryFile });
    const usaApp = await buildApp(usa.nodes.USA!.node);
    try {
      const usaUrl = await listening(usaApp);
      const r = await relto(['client', 'release', 'report--x', '--to', 'JPN', ...as('analyst', usaUrl)]);
      expect(r.status).toBe(2);
      expect(errorOf(r)).toMatchObject({ code: 'UNDER_REQUIRED', path: '/under' });
      expect(errorOf(r).message).toContain('TISA');
    } finally {
      await usaApp.close();
      await usa.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
