import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { agreementStateAt, agreementStateOnDate, parseDate } from '../registry/index.js';
import { registryFrom } from './input.js';
import { action, printJson } from './output.js';

/** `relto agreement state ID --at DATE|INSTANT` (contracts §5; R19–R23). */
export function registerAgreement(program: Command): void {
  const agreement = program.command('agreement').description('agreements and their lifecycle');
  agreement
    .command('state')
    .description('the state of an agreement on a date (in its own time zone) or at an instant')
    .argument('<id>', 'agreement id, e.g. KOR-JPN-GSOMIA')
    .requiredOption(
      '--at <date|instant>',
      'YYYY-MM-DD (a date in the agreement’s zone) or an ISO 8601 instant',
    )
    .option('--registry <file>', 'a registry replacing the built-in one')
    .action(
      action((id: string, opts: { at: string; registry?: string }) => {
        const reg = registryFrom(opts.registry);
        const ag = reg.agreements.get(id);
        if (!ag) throw new ReltoError('UNKNOWN_AGREEMENT', `no agreement ${id} in the registry`, '');
        if (/^\d{4}-\d{2}-\d{2}$/.test(opts.at)) {
          if (!parseDate(opts.at))
            throw new ReltoError('INVALID_ARGUMENT', `--at ${opts.at} is not a calendar date`);
          printJson(agreementStateOnDate(ag.def, opts.at));
          return;
        }
        const ms = /^\d{4}-\d{2}-\d{2}T/.test(opts.at) ? Date.parse(opts.at) : Number.NaN;
        if (Number.isNaN(ms)) {
          throw new ReltoError(
            'INVALID_ARGUMENT',
            `--at ${opts.at}: expected YYYY-MM-DD or an ISO 8601 instant`,
          );
        }
        printJson(agreementStateAt(ag.def, ms));
      }),
    );
}
