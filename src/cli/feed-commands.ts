import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { durationSeconds } from '../feeds/index.js';
import { collect, PG_OPTION } from './option-values.js';
import { action, printJson } from './output.js';
import { type DataOptions, withNode } from './with-node.js';

/*
 * `relto feed add|list|poll`: the news feeds a node takes in as unclassified open-source reports. They work
 * on the data folder directly, as the node itself (audited as the node's console).
 */

export function registerFeedCommands(program: Command): void {
  const feed = program
    .command('feed')
    .description('news feeds (RSS and Atom) taken in as open-source reports');
  feed
    .command('add')
    .description(
      'add a feed by its URL or file; it is polled at once by `feed poll` and then on its schedule',
    )
    .requiredOption('--data <dir>', 'the data folder')
    .option('--url <url>', 'an http or https address (any host, loopback included)')
    .option('--file <path>', 'a feed file on this machine (absolute path)')
    .option('--every <duration>', 'how often to poll it: 90s, 15m, 2h, 1d (default 15m)')
    .option('--lang <lang>', 'the language it is written in: ko, ja or en')
    .option('--topic <topic>', "a topic of its items' label besides OSINT (repeatable)", collect)
    .option(...PG_OPTION)
    .action(
      action(
        async (
          opts: DataOptions & {
            url?: string;
            file?: string;
            every?: string;
            lang?: string;
            topic?: string[];
          },
        ) => {
          if (opts.lang !== undefined && !['ko', 'ja', 'en'].includes(opts.lang)) {
            throw new ReltoError('MALFORMED_REQUEST', `--lang is ko, ja or en, not ${opts.lang}`, '--lang');
          }
          await withNode(opts, async (n) =>
            printJson(
              await n.admin.addFeed({
                ...(opts.url !== undefined ? { url: opts.url } : {}),
                ...(opts.file !== undefined ? { file: opts.file } : {}),
                ...(opts.every !== undefined ? { everySeconds: durationSeconds(opts.every, '--every') } : {}),
                ...(opts.lang !== undefined ? { lang: opts.lang } : {}),
                topics: opts.topic ?? [],
              }),
            ),
          );
        },
      ),
    );
  feed
    .command('list')
    .description('the feeds with their status: new, ok, or failing with what went wrong')
    .requiredOption('--data <dir>', 'the data folder')
    .option(...PG_OPTION)
    .action(
      action(async (opts: DataOptions) => withNode(opts, async (n) => printJson(await n.admin.listFeeds()))),
    );
  feed
    .command('poll')
    .description('poll now: one feed, or every feed; answers once the items are stored, with counts')
    .requiredOption('--data <dir>', 'the data folder')
    .option('--id <id>', 'the feed to poll (default: every feed)')
    .option(...PG_OPTION)
    .action(
      action(async (opts: DataOptions & { id?: string }) =>
        withNode(opts, async (n) => {
          if (opts.id !== undefined) return printJson(await n.admin.pollFeed(opts.id));
          const out = [];
          for (const f of await n.admin.listFeeds()) out.push(await n.admin.pollFeed(f.id));
          printJson(out);
        }),
      ),
    );
}
