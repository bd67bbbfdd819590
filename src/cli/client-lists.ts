import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import type { ClientOptions, withClient as WithClient } from './client-commands.js';
import { action } from './output.js';

/*
 * `relto client releases|consents|custody|compromises|audit`: what an officer looks through, read from a
 * running node's API. The node decides who may read each list (a refusal exits 1 with its code); a malformed
 * argument exits 2 before any password is read.
 */

type ClientCommand = (name: string, description: string) => Command;

function state(value: string): string {
  if (!/^[a-z][a-z-]*$/.test(value)) {
    throw new ReltoError('INVALID_ARGUMENT', `--state takes a state such as pending, not ${value}`, '/state');
  }
  return value;
}

function index(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `--${name} takes an entry index (0, 1, …), not ${value}`,
      `/${name}`,
    );
  }
  return Number(value);
}

function withState<T extends { status?: unknown }>(rows: T[], wanted: string | undefined): T[] {
  return wanted === undefined ? rows : rows.filter((r) => r.status === wanted);
}

/** How many audit entries `relto client audit` shows when no range is given: the latest ones. */
const RECENT_AUDIT_ENTRIES = 20;

/** Adds the list verbs to `relto client` (`withClient` signs in, prints the answer, signs out). */
export function registerClientLists(command: ClientCommand, withClient: typeof WithClient): void {
  command('releases', 'release requests of this node, with their state (e.g. --state pending)')
    .option('--state <state>', 'only requests in this state: pending, delivered, refused, denied')
    .action(
      action(async (opts: ClientOptions & { state?: string }) => {
        const wanted = opts.state === undefined ? undefined : state(opts.state);
        await withClient(opts, async (c) => {
          const { requests } = (await c.releaseRequests()) as { requests: { status?: unknown }[] };
          return { requests: withState(requests, wanted) };
        });
      }),
    );

  command('consents', 'consent requests this node received (incoming) and sent (outgoing), with their state')
    .option('--state <state>', 'only requests in this state: pending, granted, refused, …')
    .action(
      action(async (opts: ClientOptions & { state?: string }) => {
        const wanted = opts.state === undefined ? undefined : state(opts.state);
        await withClient(opts, async (c) => {
          const all = (await c.consentRequests()) as {
            incoming: { status?: unknown }[];
            outgoing: { status?: unknown }[];
          };
          return { incoming: withState(all.incoming, wanted), outgoing: withState(all.outgoing, wanted) };
        });
      }),
    );

  command('custody <id>', "an item's custody records: copies, translations, prints, exports, returns").action(
    action(async (id: string, opts: ClientOptions) => withClient(opts, (c) => c.custody(id))),
  );

  command(
    'compromises',
    'compromise reports: those made here and those partners sent (security officers)',
  ).action(
    action(async (opts: ClientOptions) =>
      withClient(opts, async (c) => {
        const { reports } = (await c.compromises()) as { reports: unknown[] };
        let received: unknown[] | undefined;
        try {
          received = ((await c.compromisesReceived()) as { reports: unknown[] }).reports;
        } catch (e) {
          // A node running without its exchange has received nothing from partners.
          if (!(e instanceof ReltoError && e.code === 'NOT_IMPLEMENTED')) throw e;
        }
        return { reports, ...(received ? { received } : {}) };
      }),
    ),
  );

  command(
    'audit',
    `audit entries with index in [--from, --to) (default: the latest ${RECENT_AUDIT_ENTRIES}), with the signed head`,
  )
    .option('--from <n>', 'the first entry index')
    .option('--to <n>', 'the index after the last entry')
    .action(
      action(async (opts: ClientOptions & { from?: string; to?: string }) => {
        const from = index('from', opts.from);
        const to = index('to', opts.to);
        if (from !== undefined && to !== undefined && to < from) {
          throw new ReltoError('INVALID_ARGUMENT', '--to must not be below --from', '/to');
        }
        await withClient(opts, async (c) => {
          const head = (await c.auditHead()) as { treeSize: number };
          const end = to ?? (from === undefined ? head.treeSize : Math.min(head.treeSize, from + 1000));
          const start = from ?? Math.max(0, end - RECENT_AUDIT_ENTRIES);
          const { entries } = (await c.auditEntries(start, Math.max(start, end))) as { entries: unknown[] };
          return { head, from: start, to: Math.max(start, end), entries };
        });
      }),
    );
}
