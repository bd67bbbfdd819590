import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReltoError } from '../errors/index.js';
import {
  type CompiledRegistry,
  compileRegistry,
  loadBuiltinRegistry,
  readRegistryFile,
} from '../registry/index.js';
import { openStore, type Store } from '../store/index.js';

/**
 * A node's data folder:
 *   DIR/node.json       party, store kind, collection id (no secrets, no database password)
 *   DIR/registry.json   the registry every decision of this node uses (validated at init and at open)
 *   DIR/keys/node.key   32 random bytes wrapping every data key (R27), mode 0600
 *   DIR/keys/signing.jwk  Ed25519 private key signing audit heads (R29), mode 0600
 *   DIR/relto.db        the SQLite store, unless the node uses PostgreSQL
 */
export interface NodeConfig {
  party: string;
  store: 'sqlite' | 'postgres';
  /** PostgreSQL schema (optional): lets several nodes or test runs share one database. */
  pgSchema?: string;
  collectionId: string;
  createdAt: string;
}

export interface InitNodeOptions {
  dataDir: string;
  party: string;
  /** A registry file replacing the built-in one (contracts §2); copied into the data folder. */
  registryFile?: string;
  /** Use PostgreSQL at this URL (else RELTO_PG_URL when `usePgEnv`, else SQLite in DIR). */
  pgUrl?: string;
  pgSchema?: string;
  /** Take RELTO_PG_URL from the environment when pgUrl is absent (the CLI does; default false). */
  usePgEnv?: boolean;
  now?: () => number;
}

/** What an opened data folder gives the node. */
export interface NodeData {
  dataDir: string;
  config: NodeConfig;
  registry: CompiledRegistry;
  nodeKey: Uint8Array;
  signingKey: KeyObject;
  store: Store;
}

const FILE_MODE = 0o600;

function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

function writeSecret(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data, { mode: FILE_MODE, flag: 'wx' });
  // An umask can only remove bits, but make sure anyway: keys are readable by the node's user alone.
  chmodSync(path, FILE_MODE);
}

function pgUrlFrom(explicit: string | undefined, useEnv: boolean): string | undefined {
  if (explicit) return explicit;
  return useEnv ? process.env.RELTO_PG_URL || undefined : undefined;
}

/** Opens the store a config names. PostgreSQL nodes need the URL at every open (it is never written down). */
export async function openNodeStore(
  dataDir: string,
  config: NodeConfig,
  nodeKey: Uint8Array,
  pgUrl: string | undefined,
  now?: () => number,
): Promise<Store> {
  const clock = now ? { now } : {};
  if (config.store === 'postgres') {
    if (!pgUrl) {
      throw new ReltoError(
        'INVALID_ARGUMENT',
        'this node keeps its data in PostgreSQL: give --pg URL or set RELTO_PG_URL',
        '/pg',
      );
    }
    return openStore({ pgUrl, nodeKey, ...(config.pgSchema ? { pgSchema: config.pgSchema } : {}), ...clock });
  }
  return openStore({ sqlitePath: join(dataDir, 'relto.db'), nodeKey, ...clock });
}

/**
 * Creates a node's data folder: keys, node.json, the registry and the store. Refuses a folder that already
 * holds a node (CONFLICT) and a party the registry does not know (UNKNOWN_PARTY → INVALID_ARGUMENT).
 */
export async function initNode(options: InitNodeOptions): Promise<NodeData> {
  const { dataDir, party } = options;
  if (existsSync(join(dataDir, 'node.json'))) {
    throw new ReltoError('CONFLICT', `${dataDir} already holds a relto node`, '/data');
  }
  const registrySource = options.registryFile
    ? readRegistryFile(options.registryFile)
    : loadBuiltinRegistry();
  const registry = compileRegistry(registrySource);
  if (!registry.parties.has(party)) {
    throw new ReltoError(
      'INVALID_ARGUMENT',
      `party ${party} is not in the registry (${[...registry.parties.keys()].join(', ')})`,
      '/party',
    );
  }
  const pgUrl = pgUrlFrom(options.pgUrl, options.usePgEnv ?? false);
  const now = options.now ?? Date.now;
  const config: NodeConfig = {
    party,
    store: pgUrl ? 'postgres' : 'sqlite',
    // Always a named schema: nodes of several parties can share one database, and the store's migrator fails in
    // a database's default schema (reported to the store's owner).
    ...(pgUrl ? { pgSchema: options.pgSchema ?? `relto_${party.toLowerCase()}` } : {}),
    collectionId: randomUUID(),
    createdAt: new Date(now()).toISOString(),
  };

  mkdirSync(keysDir(dataDir), { recursive: true, mode: 0o700 });
  chmodSync(keysDir(dataDir), 0o700);
  const nodeKey = new Uint8Array(randomBytes(32));
  writeSecret(join(keysDir(dataDir), 'node.key'), Buffer.from(nodeKey).toString('base64'));
  const { privateKey } = generateKeyPairSync('ed25519');
  writeSecret(join(keysDir(dataDir), 'signing.jwk'), JSON.stringify(privateKey.export({ format: 'jwk' })));
  writeFileSync(join(dataDir, 'registry.json'), `${JSON.stringify(registrySource, null, 2)}\n`);
  const store = await openNodeStore(dataDir, config, nodeKey, pgUrl, options.now);
  try {
    await store.setMeta('party', party);
  } catch (e) {
    await store.close();
    throw e;
  }
  // node.json last: its presence says the folder is a complete node.
  writeFileSync(join(dataDir, 'node.json'), `${JSON.stringify(config, null, 2)}\n`);
  return { dataDir, config, registry, nodeKey, signingKey: privateKey, store };
}

/** Reads node.json, the keys and the registry of a data folder (no store yet). */
export function readNodeFolder(dataDir: string): Omit<NodeData, 'store'> {
  const configPath = join(dataDir, 'node.json');
  if (!existsSync(configPath)) {
    throw new ReltoError(
      'NODE_NOT_INITIALISED',
      `${dataDir} holds no relto node (run relto node init)`,
      '/data',
    );
  }
  let config: NodeConfig;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as NodeConfig;
  } catch (e) {
    throw new ReltoError(
      'NODE_NOT_INITIALISED',
      `${configPath} is unreadable: ${(e as Error).message}`,
      '/data',
    );
  }
  let nodeKey: Uint8Array;
  let signingKey: KeyObject;
  try {
    nodeKey = new Uint8Array(Buffer.from(readFileSync(join(keysDir(dataDir), 'node.key'), 'utf8'), 'base64'));
    signingKey = createPrivateKey({
      key: JSON.parse(readFileSync(join(keysDir(dataDir), 'signing.jwk'), 'utf8')),
      format: 'jwk',
    });
  } catch (e) {
    throw new ReltoError(
      'NODE_NOT_INITIALISED',
      `the node's keys are unreadable: ${(e as Error).message}`,
      '/data',
    );
  }
  if (nodeKey.length !== 32)
    throw new ReltoError('NODE_NOT_INITIALISED', 'the node key is not 32 bytes', '/data');
  const registry = compileRegistry(readRegistryFile(join(dataDir, 'registry.json')));
  return { dataDir, config, registry, nodeKey, signingKey };
}

/** Opens an initialised data folder and its store. */
export async function openNodeData(options: {
  dataDir: string;
  pgUrl?: string;
  usePgEnv?: boolean;
  now?: () => number;
}): Promise<NodeData> {
  const folder = readNodeFolder(options.dataDir);
  const store = await openNodeStore(
    options.dataDir,
    folder.config,
    folder.nodeKey,
    pgUrlFrom(options.pgUrl, options.usePgEnv ?? true),
    options.now,
  );
  const party = await store.getMeta('party');
  if (party !== folder.config.party) {
    await store.close();
    throw new ReltoError(
      'NODE_NOT_INITIALISED',
      `the store belongs to ${party ?? 'no node'}, not to ${folder.config.party}`,
      '/data',
    );
  }
  return { ...folder, store };
}
