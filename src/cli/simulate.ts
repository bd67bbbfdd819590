import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { flightUpdates, formatInstant, loadLaunches, pickLaunch, replayLaunch } from '../track/index.js';
import { action } from './output.js';

interface LaunchOptions {
  row?: string;
  date?: string;
  rate: string;
  seed: string;
  to?: string;
  speedup: string;
  csv?: string;
  unlabelled?: boolean;
}

function number(text: string, what: string, min: number, max: number): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new ReltoError('INVALID_ARGUMENT', `--${what} takes a number from ${min} to ${max}`, `/${what}`);
  }
  return v;
}

/**
 * `relto simulate launch` (issue 5): a row of dprk-launches.csv as a ballistic flight, 1–10 CoT updates per
 * second with the sensor's details attached, sent to a node's CoT TCP sensor input at flight pace (÷ speedup),
 * or, without --to, printed as CoT XML on stdout at once.
 */
export function registerSimulate(program: Command): void {
  const simulate = program.command('simulate').description('simulated sensors');
  simulate
    .command('launch')
    .description('replay a North Korean launch as a missile-warning track (CoT) to a node’s sensor input')
    .option('--row <n>', '1-based row of the launches file')
    .option('--date <yyyy-mm-dd>', 'the first launch on that date')
    .option('--rate <1..10>', 'updates per second of flight', '1')
    .option('--seed <s>', 'seed of the flight’s noise', '1')
    .option('--to <host:port>', 'a node’s CoT TCP sensor input (else CoT XML on stdout)')
    .option('--speedup <x>', 'flight time runs x times faster than real time', '1')
    .option('--csv <file>', 'the launches file (default data/dprk-launches.csv)')
    .option('--unlabelled', 'send events without a label (the feed’s default label applies at the node)')
    .action(
      action(async (opts: LaunchOptions) => {
        const rows = loadLaunches(opts.csv);
        const launch = pickLaunch(rows, {
          ...(opts.row !== undefined ? { row: number(opts.row, 'row', 1, rows.length) } : {}),
          ...(opts.date !== undefined ? { date: opts.date } : {}),
        });
        const rate = number(opts.rate, 'rate', 1, 10);
        const seed = number(opts.seed, 'seed', 0, 2 ** 32 - 1);
        const speedup = number(opts.speedup, 'speedup', 0.001, 1e6);
        const label = opts.unlabelled ? { label: null } : {};
        if (opts.to === undefined) {
          // `| head` closing the pipe is a normal end, not a failure.
          process.stdout.on('error', () => process.exit(0));
          for (const u of flightUpdates(launch, {
            seed,
            rate,
            launchTime: formatInstant(Date.now()),
            ...label,
          })) {
            process.stdout.write(`${u.xml}\n`);
          }
          return;
        }
        const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(opts.to);
        if (!m || Number(m[3]) > 65535)
          throw new ReltoError('INVALID_ARGUMENT', `--to takes HOST:PORT, not ${opts.to}`, '/to');
        const to = { host: (m[1] ?? m[2])!, port: Number(m[3]) };
        const result = await replayLaunch({ launch, to, rate, seed, speedup, ...label });
        process.stdout.write(
          `${JSON.stringify({ launch: launch.date, site: launch.site, to: opts.to, ...result })}\n`,
        );
      }),
    );
}
