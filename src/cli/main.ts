import { Command, CommanderError } from 'commander';
import { ReltoError } from '../errors/index.js';
import { failWith } from './output.js';

type Register = (program: Command) => void;

/**
 * Each top-level command and the module that registers it. Modules load only when their command runs:
 * `relto policy check` must not pay for Fastify, the stores and the crypto of `relto serve` at start-up
 * (the --batch benchmark measures whole processes).
 */
const areas: Record<string, () => Promise<Register>> = {
  policy: async () => (await import('./policy.js')).registerPolicy,
  agreement: async () => (await import('./agreement.js')).registerAgreement,
  node: async () => (await import('./node-commands.js')).registerNodeCommands,
  user: async () => (await import('./node-commands.js')).registerNodeCommands,
  audit: async () => (await import('./node-commands.js')).registerNodeCommands,
  serve: async () => (await import('./serve.js')).registerServe,
  client: async () => (await import('./client-commands.js')).registerClient,
  partner: async () => (await import('./exchange-commands.js')).registerPartner,
  demo: async () => (await import('./demo.js')).registerDemo,
  simulate: async () => (await import('./simulate.js')).registerSimulate,
};

/** The `relto` command line (contracts §5): the named command's area, or every area for help. */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('relto')
    .description('relto: allied classified-information sharing with the agreements enforced as code')
    .showHelpAfterError(false)
    .exitOverride();
  program.configureOutput({ writeErr: () => {} });
  const wanted = command !== undefined && command in areas ? [areas[command]] : Object.values(areas);
  const registered = new Set<Register>();
  for (const load of wanted) {
    const register = await load();
    if (registered.has(register)) continue;
    registered.add(register);
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv[2]);
    program.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
    for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => {} });
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are successes; everything else commander refuses is malformed arguments.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.help') {
        process.exit(0);
      }
      failWith(new ReltoError('INVALID_ARGUMENT', e.message.replace(/^error: /, ''), ''));
    }
    failWith(e);
  }
}

await main(process.argv);
