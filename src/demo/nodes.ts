import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ErrorCode, errorCodes, ReltoError } from '../errors/index.js';
import { cotPartners, DEMO_COT, mailSinkPort, PARTIES, type Party, ports } from './layout.js';
import { feedsFile, hubConsentsFile } from './tracks.js';

/** A running demo node: a `relto serve` child process that stops when the demo is gone (node-process.ts). */
export interface Running {
  party: Party;
  proc: ChildProcess;
  http: string;
}

const nodeProcess = fileURLToPath(new URL('./node-process.js', import.meta.url));

/** What each of a node's demo ports is for, as a person reads it. */
function portsOf(base: number, party: Party): { port: number; use: string }[] {
  const p = ports(base, party);
  return [
    { port: p.http, use: `${party}'s web, API and TAXII port` },
    ...(DEMO_COT
      ? [
          { port: p.cotTls, use: `${party}'s CoT TLS port` },
          { port: p.cotTcp, use: `${party}'s CoT sensor port` },
        ]
      : []),
    { port: p.exchange, use: `${party}'s exchange port` },
  ];
}

function portInUse(port: number, use: string): ReltoError {
  return new ReltoError(
    'PORT_IN_USE',
    `port ${port} (${use}) is in use: another demo or program holds it; stop it, or start the demo with --base-port`,
    '/basePort',
    { port },
  );
}

/** Refuses at once, naming the port, when any demo port on 127.0.0.1 is already taken. */
export async function assertPortsFree(base: number): Promise<void> {
  for (const party of PARTIES) {
    for (const { port, use } of portsOf(base, party)) {
      const free = await new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(false));
        s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
      });
      if (!free) throw portInUse(port, use);
    }
  }
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', () => reject(portInUse(mailSinkPort(base), "the demo's mail sink port")));
    s.listen({ host: '127.0.0.1', port: mailSinkPort(base), exclusive: true }, () =>
      s.close(() => resolve()),
    );
  });
}

/**
 * The error a node printed when it could not start, as the node's own code and message (one line, not the
 * node's JSON inside another message); a port taken meanwhile is PORT_IN_USE naming it.
 */
function startFailure(party: Party, base: number, code: number | null, stderr: string): ReltoError {
  const lines = stderr.trim().split('\n');
  let error: { code?: string; message?: string } | undefined;
  for (let i = lines.length - 1; i >= 0 && !error; i--) {
    try {
      error = (JSON.parse(lines[i]!) as { error?: { code?: string; message?: string } }).error;
    } catch {
      // a log line
    }
  }
  const message = error?.message ?? lines[lines.length - 1] ?? '';
  const taken = /EADDRINUSE\D*?(?:[\d.]+|\[[^\]]*\]):(\d+)/.exec(message);
  if (taken) {
    const port = Number(taken[1]);
    const known = portsOf(base, party).find((p) => p.port === port);
    return portInUse(port, known?.use ?? `${party}'s port`);
  }
  const errorCode = error?.code && error.code in errorCodes ? (error.code as ErrorCode) : 'INTERNAL';
  return new ReltoError(
    errorCode,
    `the ${party} node did not start (exit ${code}): ${message.slice(0, 500)}`,
  );
}

/** Starts one node on its demo ports; resolves once it prints where it listens. */
export function startNode(dir: string, party: Party, base: number): Promise<Running> {
  const p = ports(base, party);
  const args = [
    nodeProcess,
    'serve',
    '--data',
    join(dir, party.toLowerCase()),
    '--http',
    `127.0.0.1:${p.http}`,
    '--exchange',
    `127.0.0.1:${p.exchange}`,
    '--log',
    'warn',
    // Every node's mail (brief confirmations, the daily briefs) goes to the demo's sink.
    '--smtp',
    `smtp://127.0.0.1:${mailSinkPort(base)}`,
    ...(DEMO_COT
      ? [
          '--cot-tls',
          String(p.cotTls),
          '--cot-tcp',
          String(p.cotTcp),
          // Each node's sensor input is its own missile-warning feed (KOR-MW-1 at KOR, …).
          '--cot-feeds',
          feedsFile(dir, party),
          // As the 2023 mechanism routes warning data through the US hub: KOR and JPN link to USA only.
          ...cotPartners(party).flatMap((o) => ['--cot-partner', `${o}=127.0.0.1:${ports(base, o).cotTls}`]),
          ...(party === 'USA' ? ['--cot-consents', hubConsentsFile(dir)] : []),
        ]
      : []),
  ];
  const proc = spawn(process.execPath, args, {
    // The IPC channel is the node's tie to the demo: it closes when the demo process ends.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, RELTO_PG_URL: '' },
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  return new Promise((resolveStart, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      proc.stdout!.off('data', onData);
      // Keep reading (and dropping) stdout, so a chatty node never blocks on a full pipe.
      proc.stdout!.resume();
      try {
        const line = JSON.parse(out.slice(0, nl)) as { http: string };
        resolveStart({ party, proc, http: line.http });
      } catch (e) {
        reject(e);
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => reject(startFailure(party, base, code, stderr)));
  });
}

/** Stops the nodes still running (SIGTERM: each flushes its audit log and closes its store). */
export async function stopNodes(running: readonly Running[]): Promise<void> {
  await Promise.all(
    running.map(
      (r) =>
        new Promise<void>((done) => {
          if (r.proc.exitCode !== null || r.proc.signalCode !== null) return done();
          r.proc.once('exit', () => done());
          r.proc.kill('SIGTERM');
        }),
    ),
  );
}
