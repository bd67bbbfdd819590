import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import type { ClientOptions, withClient as WithClient } from './client-commands.js';
import { action } from './output.js';

/**
 * `relto client alarms [--status raised|cleared]` and `relto client clear-alarm ALARM_ID --note TEXT`: the
 * exchange's alarms, listed for security officers and administrators, cleared with a note by a security officer.
 */
export function registerAlarmCommands(
  command: (name: string, description: string) => Command,
  withClient: typeof WithClient,
): void {
  command('alarms', "the exchange's alarms (security officers and administrators), still raised first")
    .option('--status <status>', 'only raised or only cleared alarms')
    .action(
      action(async (opts: ClientOptions & { status?: string }) => {
        if (opts.status !== undefined && opts.status !== 'raised' && opts.status !== 'cleared') {
          throw new ReltoError('INVALID_ARGUMENT', '--status takes raised or cleared', '/status');
        }
        await withClient(opts, (c) => c.alarms(opts.status as 'raised' | 'cleared' | undefined));
      }),
    );

  command('clear-alarm <alarmId>', 'clear an alarm, saying why (security officers only; audited)')
    .requiredOption('--note <text>', 'why the alarm is cleared (kept with it and in the audit log)')
    .action(
      action(async (alarmId: string, opts: ClientOptions & { note: string }) => {
        if (opts.note.trim() === '') {
          throw new ReltoError('INVALID_ARGUMENT', '--note says why the alarm is cleared', '/note');
        }
        await withClient(opts, (c) => c.clearAlarm(alarmId, opts.note));
      }),
    );
}
