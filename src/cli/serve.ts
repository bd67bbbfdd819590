import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import pino from 'pino';
import { ReltoError } from '../errors/index.js';
import { apiRootPath, buildApp, type MetricsAccess } from '../http/index.js';
import { DEFAULT_TOKEN_HOURS, openNode, PUBLIC_URL_META } from '../node/index.js';
import { isLoopback, parseHostPort } from './host-port.js';
import { addMailOptions, type MailOptions, mailSettings } from './mail-options.js';
import { action } from './output.js';
import { startBriefSchedule } from './serve-brief.js';
import { startCotFromCli } from './serve-cot.js';
import { startExchangeFromCli } from './serve-exchange.js';
import { startFeedPolling } from './serve-feeds.js';

function writeLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

interface ServeOptions extends MailOptions {
  data: string;
  http: string;
  pg?: string;
  log: string;
  cotTls?: string;
  cotTcp?: string;
  nats?: string;
  exchange?: string;
  cotPartner?: string[];
  cotCa?: string[];
  cotFeeds?: string;
  cotConsents?: string;
  tokenHours: string;
  tlsCert?: string;
  tlsKey?: string;
  metrics: string;
  metricsToken?: string;
}

/** The HTTP edge's options from serve's flags: token lifetime, TLS files, who may read /metrics. */
export function edgeOptions(opts: ServeOptions): {
  tokenHours: number;
  https?: { cert: Buffer; key: Buffer };
  metricsAccess: MetricsAccess;
} {
  const tokenHours = Number(opts.tokenHours);
  if (!Number.isFinite(tokenHours) || tokenHours <= 0 || tokenHours > 24 * 30) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `--token-hours takes a number of hours above 0 and at most 720, not ${opts.tokenHours}`,
      '/tokenHours',
    );
  }
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw new ReltoError('INVALID_ARGUMENT', '--tls-cert and --tls-key go together', '/tlsCert');
  }
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        `cannot read ${flag} ${file}: ${(e as Error).message}`,
        `/${flag}`,
      );
    }
  };
  const https =
    opts.tlsCert !== undefined && opts.tlsKey !== undefined
      ? { cert: read(opts.tlsCert, 'tlsCert'), key: read(opts.tlsKey, 'tlsKey') }
      : undefined;
  if (opts.metrics !== 'on' && opts.metrics !== 'off') {
    throw new ReltoError('INVALID_ARGUMENT', `--metrics takes on or off, not ${opts.metrics}`, '/metrics');
  }
  const token = opts.metricsToken ?? process.env.RELTO_METRICS_TOKEN;
  if (token !== undefined && token.length < 16) {
    throw new ReltoError('INVALID_ARGUMENT', 'a metrics token has at least 16 characters', '/metricsToken');
  }
  const metricsAccess: MetricsAccess = opts.metrics === 'off' ? 'off' : token ? { token } : 'open';
  return { tokenHours, ...(https ? { https } : {}), metricsAccess };
}

/**
 * `relto serve` (contracts §5): the node's HTTP port (API, TAXII 2.1, /docs, /metrics, /healthz). Prints
 * where it listens as one JSON line on stdout (logs go to stderr); SIGINT or SIGTERM close the listener,
 * flush the audit log and close the store.
 */
export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('run a node: the node API, TAXII 2.1 at /taxii2/, OpenAPI at /docs, /metrics and /healthz')
    .requiredOption('--data <dir>', 'the node data folder (made by `relto node init`)')
    .option(
      '--http <host:port>',
      'where the HTTP port listens (this machine only by default; elsewhere give --tls-cert/--tls-key)',
      '127.0.0.1:7410',
    )
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM, with its chain)')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
    .option(
      '--token-hours <hours>',
      'how long a bearer token from a sign-in lives',
      String(DEFAULT_TOKEN_HOURS),
    )
    .option('--metrics <on|off>', 'serve Prometheus metrics at /metrics', 'on')
    .option(
      '--metrics-token <token>',
      'serve /metrics only to requests with this bearer token (else RELTO_METRICS_TOKEN)',
    )
    .option('--pg <url>', 'PostgreSQL URL of a node kept there (else RELTO_PG_URL; SQLite in DIR otherwise)')
    .option('--log <level>', 'log level on stderr: fatal, error, warn, info, debug, silent', 'info')
    .option('--cot-tls <port>', 'Cursor on Target over mutual TLS (TAK clients, partner nodes), as TAK 8089')
    .option('--cot-tcp <port>', 'the CoT sensor input (plain TCP on 127.0.0.1)')
    .option(
      '--nats <url>',
      'share the track bus with the node’s other processes (NATS JetStream; RELTO_NATS_URL)',
    )
    .option(
      '--cot-partner <party=host:port...>',
      'a partner node’s CoT TLS port to stream tracks to (repeatable)',
    )
    .option(
      '--cot-ca <file...>',
      'more CA certificates (PEM) to accept on CoT TLS, e.g. partners’ (repeatable)',
    )
    .option('--cot-feeds <file>', 'JSON {feed id: label}: default labels of sensor feeds')
    .option(
      '--cot-consents <file>',
      'JSON [standing consent]: what this node may relay as a hub between its partners',
    )
    .option('--exchange <host:port>', 'the mutual-TLS inbox for partner nodes; off when absent');
  addMailOptions(serve, false).action(
    action(async (opts: ServeOptions) => {
      const { host, port } = parseHostPort(opts.http);
      const edge = edgeOptions(opts);
      // Checked before anything opens: a wrong mail option is named at once.
      const mail = mailSettings(opts);
      if (!edge.https && !isLoopback(host)) {
        process.stderr.write(
          `relto serve: warning: listening on ${opts.http} without TLS sends passwords and tokens in clear; give --tls-cert and --tls-key\n`,
        );
      }
      const pgUrl = opts.pg ?? process.env.RELTO_PG_URL;
      // R36: a `relto user set` run by another process reaches open streams (CoT, WebSocket) within 0.5 s.
      const node = await openNode({
        dataDir: opts.data,
        watchPeopleMs: 500,
        tokenHours: edge.tokenHours,
        ...(pgUrl ? { pgUrl } : {}),
      });
      // Ready before the port opens: the first post costs what the next ones do.
      node.warm();
      // The track services first: the app serves their WebSocket stream (logged as the app logs, to stderr).
      let cot: Awaited<ReturnType<typeof startCotFromCli>> = null;
      try {
        cot = await startCotFromCli(node, opts.data, opts, pino({ level: opts.log }, process.stderr));
      } catch (e) {
        await node.close();
        throw e;
      }
      const app = await buildApp(node, {
        logger: { level: opts.log, stream: process.stderr },
        defaultMetrics: true,
        metricsAccess: edge.metricsAccess,
        ...(edge.https ? { https: edge.https } : {}),
        ...(cot ? { tracks: cot.services } : {}),
      });
      try {
        await app.listen({ host, port });
      } catch (e) {
        await cot?.close();
        await node.close();
        throw new ReltoError(
          'INVALID_ARGUMENT',
          `cannot listen on ${opts.http}: ${(e as Error).message}`,
          '/http',
        );
      }
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const url = `${edge.https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actual}`;
      const ex = await startExchangeFromCli(node, opts.data, opts.exchange).catch(async (e: unknown) => {
        await cot?.close();
        await app.close();
        await node.close();
        throw e;
      });
      const stopFeeds = startFeedPolling(node, app.log);
      // The links in mail lead where the node is reached: --public-url, else where it listens; recorded so
      // `relto brief send` links the same way.
      await node.store.setMeta(PUBLIC_URL_META, mail.publicUrl ?? url);
      node.brief.configure(mail);
      const stopBrief = startBriefSchedule(node, app.log);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.log.info({ signal }, 'shutting down');
        try {
          await stopFeeds();
          await stopBrief();
          await ex?.close();
          await cot?.close();
          await app.close();
        } finally {
          // flushes pending audit appends and closes the store
          await node.close();
        }
        process.exit(0);
      };
      // Before the line below: a supervisor that reads it may signal at once, and until a handler is installed
      // the kernel's default for SIGTERM ends the process by the signal instead of this orderly stop.
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      // One line, so a supervisor (or a test) can read where the node listens from the first line of stdout.
      writeLine({
        party: node.party,
        http: url,
        taxii: `${url}/taxii2/`,
        apiRoot: `${url}${apiRootPath(node.party)}`,
        docs: `${url}/docs`,
        exchange: ex?.server.url ?? null,
        cotTls: cot?.services.cotTlsPort ?? null,
        cotTcp: cot?.services.cotTcpPort ?? null,
        nats: cot?.nats ?? null,
      });
    }),
  );
}
