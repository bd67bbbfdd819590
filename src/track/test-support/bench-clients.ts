/**
 * The far side of the network bench (../network.bench.ts), run as its own process so that the clients' work
 * is not billed to the node under test: a sensor writing CoT to a node's TCP input and TAK-style clients on
 * mutual TLS counting what arrives. Driven over IPC (child_process.fork); answers one message per command.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { CotFramer } from '../framer.js';

export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

export type BenchCommand =
  | {
      cmd: 'latency';
      sensorPort: number;
      /** Per group name, the TLS ports its clients connect to (10 clients each by default). */
      groups: Record<string, number>;
      clientsPerGroup: number;
      rate: number;
      seconds: number;
      warmupSeconds: number;
      tls: TlsMaterial;
      /** The event template: `{UID}` and `{TIME}` replaced per event. */
      template: string;
    }
  | {
      cmd: 'throughput';
      sensorPort: number;
      tlsPort: number;
      clients: number;
      events: number;
      tls: TlsMaterial;
      template: string;
      timeoutMs: number;
    };

export type BenchReply =
  | { ok: true; latencies: Record<string, number[]>; received: Record<string, number>; sent: number }
  | { ok: true; seconds: number; sent: number; receivedPerClient: number[] }
  | { ok: false; error: string };

function client(port: number, tls: TlsMaterial): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      host: '127.0.0.1',
      port,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: 'localhost',
    });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

function sensor(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

const UID = 'uid="';

/** The uid of a framed event (the bench's uids are plain ASCII). */
function uidOf(b: Buffer): string {
  const i = b.indexOf(UID);
  const j = b.indexOf(34, i + UID.length);
  return b.toString('latin1', i + UID.length, j);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fill(template: string, uid: string, now: number): string {
  const time = new Date(now).toISOString();
  const stale = new Date(now + 60_000).toISOString();
  return template.replaceAll('{UID}', uid).replaceAll('{TIME}', time).replaceAll('{STALE}', stale);
}

async function latency(c: Extract<BenchCommand, { cmd: 'latency' }>): Promise<BenchReply> {
  const sentAt = new Map<string, number>();
  const latencies: Record<string, number[]> = {};
  const received: Record<string, number> = {};
  const sockets: TLSSocket[] = [];
  let measuring = false;
  for (const [group, port] of Object.entries(c.groups)) {
    latencies[group] = [];
    received[group] = 0;
    for (let i = 0; i < c.clientsPerGroup; i++) {
      const s = await client(port, c.tls);
      sockets.push(s);
      const framer = new CotFramer();
      s.on('data', (chunk: Buffer) => {
        const now = performance.now();
        for (const f of framer.push(chunk)) {
          if (!f.ok) continue;
          received[group]++;
          const t = sentAt.get(uidOf(f.bytes));
          if (t !== undefined && measuring) latencies[group].push(now - t);
        }
      });
    }
  }
  await sleep(300); // the nodes look their clients' people up asynchronously
  const s = await sensor(c.sensorPort);
  const total = Math.round((c.seconds + c.warmupSeconds) * c.rate);
  const start = performance.now();
  const interval = 1000 / c.rate;
  let sent = 0;
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    measuring = i >= c.warmupSeconds * c.rate;
    const uid = `bench-lat-${i}`;
    sentAt.set(uid, performance.now());
    s.write(fill(c.template, uid, Date.now()));
    sent++;
  }
  await sleep(500);
  s.destroy();
  for (const x of sockets) x.destroy();
  return { ok: true, latencies, received, sent };
}

async function throughput(c: Extract<BenchCommand, { cmd: 'throughput' }>): Promise<BenchReply> {
  const counts: number[] = [];
  const sockets: TLSSocket[] = [];
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let finished = 0;
  let last = 0;
  for (let i = 0; i < c.clients; i++) {
    const s = await client(c.tlsPort, c.tls);
    sockets.push(s);
    counts.push(0);
    const framer = new CotFramer();
    let reached = false;
    s.on('data', (chunk: Buffer) => {
      for (const f of framer.push(chunk)) if (f.ok) counts[i]++;
      if (!reached && counts[i] >= c.events) {
        reached = true;
        last = performance.now();
        if (++finished === c.clients) resolveDone();
      }
    });
  }
  await sleep(300);
  // Events made before the clock starts: the sensor's cost is not the node's.
  const now = Date.now();
  const chunks: string[] = [];
  let batch = '';
  for (let i = 0; i < c.events; i++) {
    batch += fill(c.template, `bench-tp-${now}-${i}`, now);
    if (batch.length > 64 * 1024) {
      chunks.push(batch);
      batch = '';
    }
  }
  if (batch) chunks.push(batch);
  const s = await sensor(c.sensorPort);
  const start = performance.now();
  for (const b of chunks) if (!s.write(b)) await new Promise((r) => s.once('drain', r));
  const timeout = sleep(c.timeoutMs).then(() => 'timeout' as const);
  const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
  s.destroy();
  for (const x of sockets) x.destroy();
  const end = outcome === 'done' ? last : performance.now();
  return { ok: true, seconds: (end - start) / 1000, sent: c.events, receivedPerClient: counts };
}

/** This file, for the bench to fork (importing it also builds it beside the bench). */
export const BENCH_CLIENTS = fileURLToPath(import.meta.url);

// Only as the forked process: the bench imports this file for its path and types too.
if (process.argv[1] === BENCH_CLIENTS) {
  process.on('message', (m: BenchCommand) => {
    const run = m.cmd === 'latency' ? latency(m) : throughput(m);
    run.then(
      (r) => process.send?.(r),
      (e: unknown) => process.send?.({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  });
}
