import type { Command } from 'commander';
import { addMailOptions, type MailOptions, mailSettings } from './mail-options.js';
import { PG_OPTION } from './option-values.js';
import { action, printJson } from './output.js';
import { type DataOptions, withNode } from './with-node.js';

/*
 * `relto brief send`: every confirmed subscriber's daily brief of a local date, now, for operators and
 * scripts. Once per subscriber and date, whoever sends it (this, or a serving node's schedule).
 */

export function registerBriefCommands(program: Command): void {
  const brief = program.command('brief').description('the daily brief mailed to subscribers');
  addMailOptions(
    brief
      .command('send')
      .description(
        "send every confirmed subscriber's brief of a date now (default today in each one's time zone), once each",
      )
      .requiredOption('--data <dir>', 'the data folder')
      .option('--date <date>', "the subscribers' local date, YYYY-MM-DD"),
    true,
  )
    .option(...PG_OPTION)
    .action(
      action(async (opts: DataOptions & MailOptions & { date?: string }) => {
        const settings = mailSettings(opts);
        await withNode(opts, async (n) => {
          n.brief.configure(settings);
          printJson(await n.brief.sendDay(opts.date));
        });
      }),
    );
}
