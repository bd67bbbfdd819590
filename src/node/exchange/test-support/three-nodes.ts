import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../../../test-support/ports.js';

export { freePort };

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReltoClient } from '../../../http/index.js';
import { createDemoCa, ensureIdentity, publicIdentity } from '../../../identity/index.js';
import type { Label } from '../../../label/index.js';
import { labelToMarking, partyIdentityId } from '../../../stix/index.js';
import type { StixObject } from '../../../store/index.js';
import { createNode, openNode } from '../../node-service.js';
import { addPartner } from '../partners.js';

const bin = fileURLToPath(new URL('../../../../bin/relto.js', import.meta.url));

/** Clearances of the SECRET tier per party (registry.builtin.json). */
export const SECRET: Record<string, string> = { KOR: 'II', JPN: 'GOKUHI', USA: 'S' };
export const PASSWORD = 'test-password-1';
export const PEOPLE = [
  { name: 'analyst', roles: ['analyst'] },
  { name: 'officer', roles: ['releasing-officer'] },
  { name: 'officer2', roles: ['releasing-officer'] },
  { name: 'security', roles: ['security-officer'] },
  { name: 'admin', roles: ['admin'] },
] as const;

/** One node run as `relto serve` in a child process. */
export class TestNode {
  proc: ChildProcess | null = null;
  http = '';
  stderr = '';

  constructor(
    readonly party: string,
    readonly dataDir: string,
    readonly exchangePort: number,
  ) {}

  async start(): Promise<void> {
    const proc = spawn(
      process.execPath,
      [
        bin,
        'serve',
        '--data',
        this.dataDir,
        '--http',
        '127.0.0.1:0',
        '--exchange',
        `127.0.0.1:${this.exchangePort}`,
        '--log',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RELTO_PG_URL: '' } },
    );
    this.proc = proc;
    proc.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`${this.party} did not start: ${this.stderr}`)),
        30_000,
      );
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(out.slice(0, nl));
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.party} exited ${code}: ${this.stderr}`));
      });
    });
    this.http = (JSON.parse(line) as { http: string }).http;
  }

  /** Stops the process: SIGTERM (clean) or SIGKILL (`kill -9`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
    this.proc = null;
  }

  async client(user: string): Promise<ReltoClient> {
    const c = new ReltoClient({ node: this.http, user, password: PASSWORD });
    await c.signIn();
    return c;
  }
}

export interface Nodes {
  root: string;
  nodes: Record<string, TestNode>;
  cleanup(): Promise<void>;
}

/**
 * Three nodes (KOR, JPN, USA) on loopback: data folders made in-process (node init, identities from one demo
 * CA, the test people, every other node as a partner), then each run as `relto serve --exchange`.
 */
export async function threeNodes(parties: string[] = ['KOR', 'JPN', 'USA']): Promise<Nodes> {
  const root = mkdtempSync(join(tmpdir(), 'relto-exchange-'));
  const ca = await createDemoCa();
  const ports: Record<string, number> = {};
  const identities: Record<string, ReturnType<typeof publicIdentity>> = {};
  for (const party of parties) {
    const dataDir = join(root, party.toLowerCase());
    await createNode({ dataDir, party });
    identities[party] = publicIdentity(await ensureIdentity(dataDir, party, { ca }));
    ports[party] = await freePort();
  }
  const nodes: Record<string, TestNode> = {};
  for (const party of parties) {
    const dataDir = join(root, party.toLowerCase());
    const node = await openNode({ dataDir });
    try {
      for (const p of PEOPLE) {
        await node.admin.addUser({
          name: p.name,
          password: PASSWORD,
          clearance: SECRET[party]!,
          roles: [...p.roles],
        });
      }
      for (const other of parties) {
        if (other !== party)
          await addPartner(node.store, `https://127.0.0.1:${ports[other]}`, identities[other]);
      }
    } finally {
      await node.close();
    }
    nodes[party] = new TestNode(party, dataDir, ports[party]!);
  }
  await Promise.all(Object.values(nodes).map((n) => n.start()));
  return {
    root,
    nodes,
    cleanup: async () => {
      await Promise.all(Object.values(nodes).map((n) => n.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

let clock = Date.parse('2026-03-01T00:00:00.000Z');

/** A report labelled `label`, with its label marking-definition: a bundle to post on the originator's node. */
export function labelledReport(label: Label, name = 'launch report'): { report: StixObject; bundle: object } {
  clock += 1000;
  const t = new Date(clock).toISOString();
  const marking = labelToMarking(label) as unknown as StixObject;
  const identity = partyIdentityId(label.originator);
  const report: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${randomUUID()}`,
    created: t,
    modified: t,
    created_by_ref: identity,
    name,
    published: t,
    object_refs: [identity],
    object_marking_refs: [marking.id],
  };
  return { report, bundle: { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [marking, report] } };
}

/** Polls `fn` until it returns a truthy value (or fails after `ms`). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`not reached in ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
