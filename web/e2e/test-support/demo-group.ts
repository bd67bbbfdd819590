import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './browser.js';

/** The parties of the demo, in §8's order. */
export const PARTIES = ['KOR', 'JPN', 'USA'] as const;
export type Party = (typeof PARTIES)[number];
export type PersonName = 'analyst' | 'analyst-low' | 'officer' | 'security' | 'watch' | 'admin';

export interface DemoNode {
  party: Party;
  /** The node's web address, ending in `/` (the manifest's `web`, else its `http`). */
  web: string;
  /** The origin every request of the node's pages must go to. */
  origin: string;
  http: string;
  cotTcp: number;
  password(person: PersonName): string;
}

/** What the demo's first start played (state.json), for tests that open its items. */
export interface PlayedScenario {
  koreanReport: string;
  relayed: string;
  consentRequest: string;
}

/** The demo's manifest (contracts §8; `web` per node, §10). */
interface Manifest {
  ready: boolean;
  nodes: Record<
    string,
    { http: string; web?: string; cotTcp: number; people: { name: string; password: string }[] }
  >;
}

export interface DemoGroup {
  nodes: Record<Party, DemoNode>;
  scenario: PlayedScenario;
  /** SIGTERM, then waits for the demo (and so its three nodes) to exit; removes its folder. */
  close(): Promise<void>;
}

const OFFSETS = [0, 1, 2, 5]; // HTTP, CoT TLS, CoT TCP, exchange (contracts §8 and the demo's layout)

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A base port B whose twelve demo ports are free, below the ephemeral range (see src/test-support/ports.ts). */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 1_200) * 10;
    const all = [0, 10, 20].flatMap((o) => OFFSETS.map((d) => base + o + d));
    if ((await Promise.all(all.map(free))).every(Boolean)) return base;
  }
  throw new Error('no free base port for the demo between 20000 and 32000');
}

/**
 * Three real nodes as `npm start` runs them (`relto demo --base-port B --dir D`), ready once the manifest says
 * so (the scenario has been played). One per test file at most: each takes about 20 s to start.
 */
export async function startDemoGroup(timeoutMs = 120_000): Promise<DemoGroup> {
  const dir = mkdtempSync(join(tmpdir(), 'relto-e2e-'));
  const demoDir = join(dir, '.relto-demo');
  const base = await freeBase();
  const proc: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/relto.js'), 'demo', '--base-port', String(base), '--dir', demoDir],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RELTO_PG_URL: '' } },
  );
  let output = '';
  proc.stdout!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  proc.stderr!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  const close = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const hard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(hard);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const manifestPath = join(demoDir, 'manifest.json');
  const end = Date.now() + timeoutMs;
  let manifest: Manifest | undefined;
  while (!manifest) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      await close();
      throw new Error(`the demo exited before it was ready:\n${output}`);
    }
    if (Date.now() > end) {
      await close();
      throw new Error(`the demo was not ready within ${timeoutMs} ms:\n${output}`);
    }
    if (existsSync(manifestPath)) {
      try {
        const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
        if (m.ready) manifest = m;
      } catch {
        // written as we read it
      }
    }
    if (!manifest) await new Promise((r) => setTimeout(r, 250));
  }
  const state = JSON.parse(readFileSync(join(demoDir, 'state.json'), 'utf8')) as { scenario: PlayedScenario };
  const nodes = Object.fromEntries(
    PARTIES.map((party) => {
      const m = manifest.nodes[party]!;
      const web = m.web ?? `${m.http}/`;
      const node: DemoNode = {
        party,
        web,
        origin: new URL(web).origin,
        http: m.http,
        cotTcp: m.cotTcp,
        password: (person) => {
          const p = m.people.find((x) => x.name === person);
          if (!p) throw new Error(`no demo person ${person} at ${party}`);
          return p.password;
        },
      };
      return [party, node];
    }),
  ) as Record<Party, DemoNode>;
  return { nodes, scenario: state.scenario, close };
}
