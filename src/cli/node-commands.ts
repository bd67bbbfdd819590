import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { createNode, openNode, type UserChange, verifyAudit } from '../node/index.js';
import { readPassword } from './input.js';
import { collect, list, PG_OPTION } from './option-values.js';
import { action, printJson } from './output.js';

/*
 * The node's own commands (contracts §5): `relto node init`, `relto user add|set`, `relto audit verify`.
 * They work on the data folder directly (the folder is the authority); a running node notices people changes
 * made here at once (R36: it re-reads a person's version on every request and polls for streams).
 */

interface DataOptions {
  data: string;
  pg?: string;
}

function pgOf(opts: DataOptions): { pgUrl?: string } {
  return opts.pg ? { pgUrl: opts.pg } : {};
}

export function registerNodeCommands(program: Command): void {
  const node = program.command('node').description("a node's data folder: keys, store and registry");
  node
    .command('init')
    .description('create a node: keys (mode 0600), node.json, registry and store (SQLite in DIR unless --pg)')
    .requiredOption('--party <code>', 'the party this node belongs to, e.g. KOR')
    .requiredOption('--data <dir>', 'the data folder')
    .option('--registry <file>', 'a registry replacing the built-in one (copied into the folder)')
    .option('--pg <url>', 'keep the data in PostgreSQL (else RELTO_PG_URL, else SQLite)')
    .action(
      action(async (opts: DataOptions & { party: string; registry?: string }) => {
        const config = await createNode({
          dataDir: opts.data,
          party: opts.party,
          ...(opts.registry ? { registryFile: opts.registry } : {}),
          ...pgOf(opts),
          usePgEnv: true,
        });
        // The whole public identity now (encryption key, TLS CA and certificate beside the signing key), so
        // `relto node key` can print it at once and never has to make anything.
        const { ensureIdentity } = await import('../identity/index.js');
        await ensureIdentity(opts.data, config.party);
        printJson({
          party: config.party,
          data: opts.data,
          store: config.store,
          collectionId: config.collectionId,
        });
      }),
    );

  node
    .command('key')
    .description(
      "this node's public identity as JSON (party, signing and encryption keys, TLS CA), for partners",
    )
    .requiredOption('--data <dir>', 'the data folder')
    .action(
      action(async (opts: DataOptions) => {
        // Only reads: a missing or half-made folder is an error, never a reason to make keys.
        const { readNodeFolder } = await import('../node/index.js');
        const { hasIdentity, loadIdentity, publicIdentity } = await import('../identity/index.js');
        const { config } = readNodeFolder(opts.data);
        if (!hasIdentity(opts.data)) {
          throw new ReltoError(
            'NODE_NOT_INITIALISED',
            `${opts.data} holds a node without its encryption key and TLS certificate yet: start it once ` +
              'with relto serve (which makes them), then ask again',
            '/data',
          );
        }
        printJson(publicIdentity(loadIdentity(opts.data, config.party)));
      }),
    );

  const user = program.command('user').description("the node's people");
  user
    .command('add')
    .description("add a person (the node's party); the password comes on standard input")
    .requiredOption('--data <dir>', 'the data folder')
    .requiredOption('--name <name>', 'the user name')
    .requiredOption('--clearance <level>', "a level of the node's scheme, e.g. II")
    .requiredOption(
      '--roles <r1,r2>',
      'analyst, releasing-officer, security-officer, watch-officer, admin',
      list,
    )
    .option('--designation <id>', 'a designation eligibility, e.g. TOKUTEI (repeatable)', collect)
    .option('--compartment <value>', 'a need-to-know compartment, e.g. BMD (repeatable)', collect)
    .option(
      '--contractor',
      "a cleared contractor: reads its own nation's items, and foreign ones where the agreement allows contractors",
    )
    .option(
      '--not-official',
      'not a government official: reads no classified item unless a cleared contractor',
    )
    .option(...PG_OPTION)
    .action(
      action(
        async (
          opts: DataOptions & {
            name: string;
            clearance: string;
            roles: string[];
            designation?: string[];
            compartment?: string[];
            contractor?: boolean;
            notOfficial?: boolean;
          },
        ) => {
          const password = await readPassword({ prompt: `New password for ${opts.name}: `, confirm: true });
          const n = await openNode({ dataDir: opts.data, ...pgOf(opts) });
          try {
            printJson(
              await n.admin.addUser({
                name: opts.name,
                password,
                clearance: opts.clearance,
                roles: opts.roles,
                designations: opts.designation ?? [],
                restrictive: opts.compartment?.length ? { Compartment: opts.compartment } : {},
                contractor: opts.contractor === true,
                official: opts.notOfficial !== true,
              }),
            );
          } finally {
            await n.close();
          }
        },
      ),
    );
  user
    .command('set')
    .description('change a person; takes effect at once, also on open sessions and streams')
    .requiredOption('--data <dir>', 'the data folder')
    .requiredOption('--name <name>', 'the user name')
    .option('--clearance <level>', "a level of the node's scheme")
    .option('--roles <r1,r2>', 'the new roles', list)
    .option('--designation <id>', 'the designation eligibilities (repeatable; replaces them)', collect)
    .option('--no-designation', 'remove every designation eligibility')
    .option('--compartment <value>', 'the need-to-know compartments (repeatable; replaces them)', collect)
    .option('--no-compartment', 'remove every compartment')
    .option('--contractor', 'a cleared contractor')
    .option('--official', 'a government official')
    .option('--not-official', 'not a government official')
    .option('--disable', 'the person may no longer sign in; their sessions are cut')
    .option('--enable', 'the person may sign in again')
    .option('--password', 'read a new password from standard input')
    .option(...PG_OPTION)
    .action(
      action(
        async (
          opts: DataOptions & {
            name: string;
            clearance?: string;
            roles?: string[];
            designation?: string[] | false;
            compartment?: string[] | false;
            contractor?: boolean;
            official?: boolean;
            notOfficial?: boolean;
            disable?: boolean;
            enable?: boolean;
            password?: boolean;
          },
        ) => {
          if (opts.disable && opts.enable) {
            throw new ReltoError('INVALID_ARGUMENT', '--disable and --enable exclude each other', '/disable');
          }
          const change: UserChange = {};
          if (opts.clearance !== undefined) change.clearance = opts.clearance;
          if (opts.roles !== undefined) change.roles = opts.roles;
          if (opts.designation !== undefined)
            change.designations = opts.designation === false ? [] : opts.designation;
          if (opts.compartment !== undefined) {
            change.restrictive = opts.compartment === false ? {} : { Compartment: opts.compartment };
          }
          if (opts.contractor) change.contractor = true;
          if (opts.official) change.official = true;
          if (opts.notOfficial) change.official = false;
          if (opts.disable) change.disabled = true;
          if (opts.enable) change.disabled = false;
          if (opts.password) {
            change.password = await readPassword({
              prompt: `New password for ${opts.name}: `,
              confirm: true,
            });
          }
          if (Object.keys(change).length === 0) {
            throw new ReltoError('INVALID_ARGUMENT', 'nothing to change', '');
          }
          const n = await openNode({ dataDir: opts.data, ...pgOf(opts) });
          try {
            const existing = await n.admin.getUser(opts.name);
            if (!existing) throw new ReltoError('INVALID_ARGUMENT', `no user named ${opts.name}`, '/name');
            printJson(await n.admin.setUser(opts.name, change));
          } finally {
            await n.close();
          }
        },
      ),
    );

  const audit = program.command('audit').description("the node's audit log, kept as a verifiable hash tree");
  audit
    .command('verify')
    .description('recompute every entry, link and the signed head; name the first altered or missing entry')
    .requiredOption('--data <dir>', 'the data folder')
    .option(...PG_OPTION)
    .action(
      action(async (opts: DataOptions) => {
        const result = await verifyAudit({ dataDir: opts.data, ...pgOf(opts) });
        if (!result.ok) {
          throw new ReltoError('AUDIT_LOG_ALTERED', result.reason, `/entries/${result.index}`, {
            index: result.index,
            failure: result.failure,
          });
        }
        printJson({ ok: true, size: result.size, head: result.head, unsignedFrom: result.unsignedFrom });
      }),
    );
}
