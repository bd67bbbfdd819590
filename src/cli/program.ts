import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ReltoError } from '../errors/index.js';
import { failWith } from './output.js';

type Register = (program: Command) => void;

interface Area {
  /** The line `relto --help` shows for the command (its own --help shows its own description). */
  summary: string;
  /** Loads the module that registers the command (and its subcommands) on the program. */
  load: () => Promise<Register>;
}

/**
 * Every top-level command: its one-line summary and the module that registers it. A module loads only when
 * its command runs (or its own help is asked for): `relto policy check` and `relto label` must not pay for
 * Fastify, the stores and the crypto of `relto serve`, and `relto --help` loads none of them (the summaries
 * are here, not in the modules).
 *
 * To add a command: add a row here (summary + a dynamic import of the module exporting its register
 * function); the register function adds `program.command(NAME)` and imports what its actions need inside
 * the actions (or at the top of its own module, which loads only for that command). Several names may share
 * a module (node, user, audit): it registers them all.
 */
export const areas: Record<string, Area> = {
  policy: {
    summary: 'ask the rules engine for decisions',
    load: async () => (await import('./policy.js')).registerPolicy,
  },
  label: {
    summary: 'make a label: its marking-definition in normal form, to put in a STIX bundle',
    load: async () => (await import('./label.js')).registerLabel,
  },
  agreement: {
    summary: 'agreements and their lifecycle',
    load: async () => (await import('./agreement.js')).registerAgreement,
  },
  node: {
    summary: "a node's data folder: keys, store and registry",
    load: async () => (await import('./node-commands.js')).registerNodeCommands,
  },
  user: {
    summary: "the node's people",
    load: async () => (await import('./node-commands.js')).registerNodeCommands,
  },
  audit: {
    summary: "the node's audit log, kept as a verifiable hash tree",
    load: async () => (await import('./node-commands.js')).registerNodeCommands,
  },
  feed: {
    summary: 'news feeds (RSS and Atom) taken in as open-source reports',
    load: async () => (await import('./feed-commands.js')).registerFeedCommands,
  },
  brief: {
    summary: 'the daily brief mailed to subscribers',
    load: async () => (await import('./brief-commands.js')).registerBriefCommands,
  },
  serve: {
    summary: 'run a node: HTTP (web, API, TAXII), Cursor on Target and the exchange with partners',
    load: async () => (await import('./serve.js')).registerServe,
  },
  client: {
    summary: 'commands against a running node (password on standard input), printing JSON',
    load: async () => (await import('./client-commands.js')).registerClient,
  },
  partner: {
    summary: 'partner nodes this node exchanges with',
    load: async () => (await import('./exchange-commands.js')).registerPartner,
  },
  demo: {
    summary: 'run the three-nation demo: KOR, JPN and USA nodes on loopback',
    load: async () => (await import('./demo.js')).registerDemo,
  },
  simulate: {
    summary: 'simulated sensors',
    load: async () => (await import('./simulate.js')).registerSimulate,
  },
};

/** The package's version, from the package.json beside dist/ (and src/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function baseProgram(): Command {
  return new Command('relto')
    .description('relto: allied classified-information sharing with the agreements enforced as code')
    .version(packageVersion(), '-V, --version', 'print the version of relto')
    .showHelpAfterError(false)
    .exitOverride();
}

/**
 * The `relto` command line for one invocation: the named command's module only. Without a known command
 * (top-level help, `--version`, an unknown name) every command is a bare entry with its summary, so
 * commander can list them or refuse an unknown one without loading any module.
 */
export async function buildProgram(command?: string): Promise<Command> {
  const program = baseProgram();
  const area = command !== undefined && Object.hasOwn(areas, command) ? areas[command] : undefined;
  if (area === undefined) {
    for (const [name, a] of Object.entries(areas)) program.command(name).description(a.summary);
    return program;
  }
  (await area.load())(program);
  // The list of commands shows the table's summary; a command's own --help keeps its longer description.
  for (const c of program.commands) {
    const a = areas[c.name()];
    if (a !== undefined) c.summary(a.summary);
  }
  return program;
}

/** `relto help CMD` is `relto CMD --help` (so it loads CMD's module only). */
function normaliseArgv(argv: string[]): string[] {
  if (argv[2] === 'help' && argv[3] !== undefined && Object.hasOwn(areas, argv[3])) {
    return [argv[0]!, argv[1]!, ...argv.slice(3), '--help'];
  }
  return argv;
}

/**
 * Commander's own error lines are silenced (failWith prints the JSON error instead); the help it shows for a
 * command named without its subcommand (`relto policy`) goes to standard output, like --help.
 */
function quiet(c: Command): void {
  c.exitOverride().configureOutput({
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stdout.write(s),
    outputError: () => {},
  });
  for (const sub of c.commands) quiet(sub);
}

export async function main(rawArgv: string[]): Promise<void> {
  const argv = normaliseArgv(rawArgv);
  try {
    const program = await buildProgram(argv[2]);
    quiet(program);
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
