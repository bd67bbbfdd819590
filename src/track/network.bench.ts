import { type ChildProcess, fork } from 'node:child_process';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import pino from 'pino';
import { type BenchContext, percentile, registerBench } from '../bench/harness.js';
import { issueCertificate } from '../identity/index.js';
import { serialiseCot } from './cot.js';
import { loadLaunches } from './replay.js';
import { startTrackServices } from './services.js';
import { flightUpdates } from './simulate.js';
import { BENCH_CLIENTS, type BenchCommand, type BenchReply } from './test-support/bench-clients.js';
import { startThreeNodes } from './test-support/three-nodes.js';

/**
 * Live tracks over the network (issue 5). The three nodes run in this process on loopback; the sensor and
 * the TAK-style TLS clients run in a separate process (test-support/bench-clients.ts), 10 clients per node.
 * - latency: a KOR sensor at 1,000 tracks/s (sensor details attached, unlabelled: the feed's default
 *   label), measured from the sensor's write to each client's read: on KOR itself, one hop (a client of
 *   the USA node) and two hops (a client of the JPN node, relayed by the US hub under TISA);
 * - throughput: one node alone (no partners) taking a burst of tracks in at its sensor input and fanning
 *   each out to 10 clients (parse, label, decide per client, strip, serialise once, write), beside a bare
 *   Node TLS relay that writes the sensor's bytes to the same 10 clients without parsing or rules.
 */

const CLIENTS = 10;

function template(): string {
  const row = loadLaunches().find((r) => r.date === '2023-12-18')!;
  const u = flightUpdates(row, { seed: 2023, rate: 10, label: null }).next().value!;
  return serialiseCot({ ...u.track, uid: '{UID}', time: '{TIME}', start: '{TIME}', stale: '{STALE}' });
}

function ask(child: ChildProcess, command: BenchCommand): Promise<BenchReply> {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as BenchReply));
    child.once('exit', (code) => reject(new Error(`bench clients exited ${code}`)));
    child.send(command);
  });
}

/** The bare relay: sensor bytes as they come, to every TLS client, nothing parsed, nothing decided. */
async function bareRelay(tls: { ca: string; cert: string; key: string }) {
  const clients = new Set<TLSSocket>();
  const sockets = new Set<Socket>();
  const tlsServer = createTlsServer(
    { ca: tls.ca, cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true },
    (s) => {
      clients.add(s);
      s.on('close', () => clients.delete(s));
      s.on('error', () => {});
    },
  );
  const tcp = createTcpServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', (b) => {
      for (const c of clients) c.write(b);
    });
  });
  const port = (server: typeof tcp | typeof tlsServer) =>
    new Promise<number>((r) =>
      server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)),
    );
  const tlsPort = await port(tlsServer);
  const tcpPort = await port(tcp);
  return {
    tlsPort,
    tcpPort,
    close: async () => {
      for (const s of [...clients, ...sockets]) s.destroy();
      await Promise.all([new Promise((r) => tlsServer.close(r)), new Promise((r) => tcp.close(r))]);
    },
  };
}

async function networkBench(ctx: BenchContext): Promise<void> {
  const child = fork(BENCH_CLIENTS, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const net = await startThreeNodes({ logLevel: 'warn' });
  const cert = await issueCertificate(net.ca, { commonName: 'watch', kind: 'client' });
  const tls = { ca: net.ca.certPem, cert: cert.certPem, key: cert.keyPem };
  const xml = template();
  try {
    ctx.log('latency: 1,000 tracks/s for 8 s (2 s warm-up), 10 TLS clients per node');
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const lat = await ask(child, {
      cmd: 'latency',
      sensorPort: net.services.KOR.cotTcpPort!,
      groups: {
        'KOR (sensor’s own node)': net.services.KOR.cotTlsPort!,
        'KOR → USA (one hop)': net.services.USA.cotTlsPort!,
        'KOR → USA → JPN (two hops)': net.services.JPN.cotTlsPort!,
      },
      clientsPerGroup: CLIENTS,
      rate: 1000,
      seconds: 8,
      warmupSeconds: 2,
      tls,
      template: xml,
    });
    // How much of a core the three nodes took: beside the machine's load, what the latency figures mean.
    const cpu = process.cpuUsage(cpu0);
    ctx.record(
      'three nodes (this process)',
      'CPU cores busy during the latency run',
      (cpu.user + cpu.system) / 1000 / (performance.now() - wall0),
    );
    ctx.record('this machine', 'load average (1 min) after the latency run', loadavg()[0]!);
    if (!lat.ok) throw new Error(lat.error);
    if (!('latencies' in lat)) throw new Error('unexpected reply');
    for (const [group, values] of Object.entries(lat.latencies)) {
      const sorted = [...values].sort((a, b) => a - b);
      ctx.record(group, 'latency p50 (ms)', percentile(sorted, 50));
      ctx.record(group, 'latency p99 (ms)', percentile(sorted, 99));
      ctx.record(group, 'tracks received / sent × clients', lat.received[group] / (lat.sent * CLIENTS));
      ctx.log(
        `${group}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, ${values.length} samples`,
      );
    }
    for (const p of ['KOR', 'JPN', 'USA'] as const) await net.services[p].close();

    // One node alone, its sensor input and 10 clients.
    const events = 50_000;
    const server = await issueCertificate(net.ca, {
      commonName: 'relto node KOR',
      party: 'KOR',
      kind: 'both',
    });
    const node = await startTrackServices(net.nodes.KOR, {
      cotTls: 0,
      cotTcp: 0,
      tls: { ca: net.ca.certPem, cert: server.certPem, key: server.keyPem },
      feeds: {
        'KOR-MW-1': {
          originator: 'KOR',
          classification: 'II',
          releasableTo: ['KOR', 'JPN', 'USA'],
          topics: ['DPRK-MISSILE'],
        },
      },
      logger: pino({ level: 'warn' }),
      // A burst is buffered towards the clients; the default slow-client cut would drop them.
      maxClientBacklog: 1 << 30,
    });
    ctx.log(`throughput: ${events} tracks in a burst, 10 TLS clients`);
    const r1 = await ask(child, {
      cmd: 'throughput',
      sensorPort: node.cotTcpPort!,
      tlsPort: node.cotTlsPort!,
      clients: CLIENTS,
      events,
      tls,
      template: xml,
      timeoutMs: 30_000,
    });
    // Sustained: 10,000 tracks/s paced for 3 s (after 1 s of warm-up) into the same node, to 10 clients.
    ctx.log('sustained: 10,000 tracks/s for 3 s, 10 TLS clients');
    const paced = await ask(child, {
      cmd: 'latency',
      sensorPort: node.cotTcpPort!,
      groups: { 'relto node at 10,000 tracks/s': node.cotTlsPort! },
      clientsPerGroup: CLIENTS,
      rate: 10_000,
      seconds: 3,
      warmupSeconds: 1,
      tls,
      template: xml,
    });
    if (paced.ok && 'latencies' in paced) {
      for (const [group, values] of Object.entries(paced.latencies)) {
        const sorted = [...values].sort((a, b) => a - b);
        ctx.record(group, 'sustained: share delivered', paced.received[group] / (paced.sent * CLIENTS));
        ctx.record(group, 'sustained: latency p50 (ms)', percentile(sorted, 50));
        ctx.record(group, 'sustained: latency p99 (ms)', percentile(sorted, 99));
      }
    }
    await node.close();
    const relay = await bareRelay({ ca: net.ca.certPem, cert: server.certPem, key: server.keyPem });
    const r2 = await ask(child, {
      cmd: 'throughput',
      sensorPort: relay.tcpPort,
      tlsPort: relay.tlsPort,
      clients: CLIENTS,
      events,
      tls,
      template: xml,
      timeoutMs: 30_000,
    });
    await relay.close();
    if (!r1.ok || !r2.ok || !('seconds' in r1) || !('seconds' in r2)) throw new Error('throughput failed');
    const complete = (r: { receivedPerClient: number[] }) => Math.min(...r.receivedPerClient) / events;
    const relto = (Math.min(...r1.receivedPerClient) / r1.seconds) | 0;
    const bare = (Math.min(...r2.receivedPerClient) / r2.seconds) | 0;
    ctx.record('relto node (parse, label, decide ×10, strip, fan-out)', 'tracks/s in, to 10 clients', relto);
    ctx.record('bare Node TLS relay (bytes only)', 'tracks/s in, to 10 clients', bare);
    ctx.record('relto node (parse, label, decide ×10, strip, fan-out)', 'share delivered', complete(r1));
    ctx.record('bare Node TLS relay (bytes only)', 'share delivered', complete(r2));
    ctx.record('relto ÷ bare relay', 'throughput ratio', relto / bare);
    ctx.log(`relto ${relto}/s, bare relay ${bare}/s, ratio ${(relto / bare).toFixed(2)}`);
  } finally {
    child.kill();
    await net.close();
  }
}

registerBench('track:network', networkBench);
