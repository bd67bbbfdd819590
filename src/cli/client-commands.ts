import type { Command } from 'commander';
// The client alone, not the http index (which would load Fastify and the server for every client verb).
import { ReltoClient } from '../client/index.js';
import { ReltoError } from '../errors/index.js';
import { registerAlarmCommands } from './alarm-commands.js';
import { registerClientLists } from './client-lists.js';
import { parseJson, readInput, readPassword } from './input.js';
import { list } from './option-values.js';
import { action, printJson } from './output.js';

/*
 * `relto client …` (contracts §5): commands against a running node over its API, signed in as --user with
 * the password on standard input. A refusal by the node exits 1 with its JSON error (the code names the
 * reason) on stderr; malformed input exits 2.
 */

export interface ClientOptions {
  node: string;
  user: string;
}

/** Signs in, runs `fn`, prints its answer, signs out (the bearer token is revoked even when `fn` fails). */
export async function withClient<T>(opts: ClientOptions, fn: (c: ReltoClient) => Promise<T>): Promise<void> {
  const password = await readPassword({ prompt: `Password for ${opts.user}: ` });
  const client = new ReltoClient({ node: opts.node, user: opts.user, password });
  await client.signIn();
  try {
    printJson(await fn(client));
  } finally {
    await client.signOut();
  }
}

function readJsonFile(file: string, what: string): unknown {
  return parseJson(readInput(file), what);
}

export function registerClient(program: Command): void {
  const client = program
    .command('client')
    .description('commands against a running node (password on standard input), printing JSON');
  const command = (name: string, description: string) =>
    client
      .command(name)
      .description(description)
      .option('--node <url>', "the node's HTTP address", 'http://127.0.0.1:7410')
      .requiredOption('--user <name>', 'who signs in (the password is read from standard input)');

  registerClientLists(command, withClient);

  command('post <file>', 'post a STIX 2.1 bundle (stored whole or not at all); prints the stored ids').action(
    action(async (file: string, opts: ClientOptions) => {
      const bundle = readJsonFile(file, file);
      const objects = (bundle as { objects?: unknown })?.objects;
      if (typeof bundle !== 'object' || bundle === null || !Array.isArray(objects)) {
        throw new ReltoError('MALFORMED_REQUEST', 'a STIX bundle has an "objects" list', '/objects');
      }
      await withClient(opts, async (c) => {
        const status = (await c.post(bundle)) as { statusId: string; successes: { id: string }[] };
        return { statusId: status.statusId, ids: status.successes.map((s) => s.id) };
      });
    }),
  );

  command('get <id>', 'one item as you may read it, with the marking-definitions it uses').action(
    action(async (id: string, opts: ClientOptions) => withClient(opts, (c) => c.get(id))),
  );

  command('list', 'the items you may read (all pages), with the marking-definitions they use')
    .option('--type <type>', 'only this STIX type')
    .action(
      action(async (opts: ClientOptions & { type?: string }) =>
        withClient(opts, (c) => c.list(opts.type ? { type: opts.type } : {})),
      ),
    );

  command('decide <file>', "the node's decision for you, whatever principal the request file names").action(
    action(async (file: string, opts: ClientOptions) => {
      const request = readJsonFile(file, file);
      if (typeof request !== 'object' || request === null || Array.isArray(request)) {
        throw new ReltoError('MALFORMED_REQUEST', 'a decision request is a JSON object', '');
      }
      await withClient(opts, (c) => c.decide(request as Record<string, unknown>));
    }),
  );

  command(
    'release <id>',
    'file a release request to a partner (a releasing officer approves it; the node needs --exchange)',
  )
    .requiredOption('--to <party>', 'the receiving party')
    .option('--under <agreement>', 'the agreement to release under')
    .action(
      action(async (id: string, opts: ClientOptions & { to: string; under?: string }) =>
        withClient(opts, (c) => c.release(id, opts.to, opts.under)),
      ),
    );

  command(
    'approve <requestId>',
    'approve a release request as a releasing officer who did not file it',
  ).action(
    action(async (requestId: string, opts: ClientOptions) => withClient(opts, (c) => c.approve(requestId))),
  );

  command('refuse <requestId>', 'refuse a release request as a releasing officer; nothing is sent')
    .option('--note <text>', 'why, for the person who filed it')
    .action(
      action(async (requestId: string, opts: ClientOptions & { note?: string }) =>
        withClient(opts, (c) => c.refuse(requestId, opts.note)),
      ),
    );

  command('request-consent <id>', "ask the originator's consent (to a party, for a purpose, or for actions)")
    .option('--to <party>', 'release to this party')
    .option('--purpose <text>', 'use for this purpose')
    .option('--actions <list>', 'copy, translate, print, export (comma-separated)', list)
    .action(
      action(
        async (id: string, opts: ClientOptions & { to?: string; purpose?: string; actions?: string[] }) => {
          const given = [opts.to, opts.purpose, opts.actions].filter((v) => v !== undefined).length;
          if (given !== 1) {
            throw new ReltoError('INVALID_ARGUMENT', 'give exactly one of --to, --purpose, --actions', '');
          }
          await withClient(opts, (c) =>
            c.requestConsent({
              item: id,
              ...(opts.to ? { to: opts.to } : {}),
              ...(opts.purpose ? { purpose: opts.purpose } : {}),
              ...(opts.actions ? { actions: opts.actions } : {}),
            }),
          );
        },
      ),
    );

  command('consent <requestId>', "the originator's answer to a consent request")
    .option('--refuse', 'refuse instead of consenting')
    .action(
      action(async (requestId: string, opts: ClientOptions & { refuse?: boolean }) =>
        withClient(opts, (c) => c.consent(requestId, opts.refuse === true)),
      ),
    );

  registerAlarmCommands(command, withClient);
}
