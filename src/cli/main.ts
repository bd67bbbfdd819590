import { Command, CommanderError } from 'commander';
import { ReltoError } from '../errors/index.js';
import { registerAgreement } from './agreement.js';
import { registerClient } from './client-commands.js';
import { registerNodeCommands } from './node-commands.js';
import { failWith } from './output.js';
import { registerPolicy } from './policy.js';
import { registerServe } from './serve.js';

/** The `relto` command line (contracts §5). Each area registers its own commands. */
export function buildProgram(): Command {
  const program = new Command('relto')
    .description('relto: allied classified-information sharing with the agreements enforced as code')
    .showHelpAfterError(false)
    .exitOverride();
  program.configureOutput({ writeErr: () => {} });
  registerPolicy(program);
  registerAgreement(program);
  registerNodeCommands(program);
  registerServe(program);
  registerClient(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => {} });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are successes; everything else commander refuses is malformed arguments.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.help')
        process.exit(0);
      failWith(new ReltoError('INVALID_ARGUMENT', e.message.replace(/^error: /, ''), ''));
    }
    failWith(e);
  }
}

await main(process.argv);
