import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CertificateAuthority,
  createDemoCa,
  ensureIdentity,
  issueCertificate,
  publicIdentity,
} from '../identity/index.js';
import { addPartner } from '../node/exchange/index.js';
import { createNode, openNode } from '../node/index.js';
import type { Role } from '../policy/index.js';
import { BRIEF_READERS, sendBriefs, subscribeAnalysts } from './briefs.js';
import { DEMO_COT, mailSinkPort, PARTIES, type Party, ports } from './layout.js';
import { DemoMailSink } from './mail-sink.js';
import { assertPortsFree, type Running, startNode, stopNodes } from './nodes.js';
import { type DemoPerson, describeScenario, People, playScenario, type Scenario } from './scenario.js';
import { replayDemoLaunch } from './tracks.js';

/**
 * `relto demo` (contracts §8): three nodes, KOR, JPN and USA, each a `relto serve` child process on its demo
 * ports with SQLite in `.relto-demo/<party>/`; a demo CA, node identities and a TAK client certificate made at
 * first start (never committed: `.relto-demo/` is gitignored); the demo people on every node with generated
 * passwords written to `manifest.json`; every node the partner of the two others; and at first start the
 * scenario played through the nodes' own APIs. A later start keeps the data, plays nothing again, and
 * prints the scenario as it stands then.
 */

export type { DemoPerson };
export { DEMO_COT, PARTIES };

/** First level of each tier per party (registry.builtin.json): SECRET and CONFIDENTIAL. */
const TIER_LEVEL: Record<Party, { S: string; C: string }> = {
  KOR: { S: 'II', C: 'III' },
  JPN: { S: 'GOKUHI', C: 'HI' },
  USA: { S: 'S', C: 'C' },
};

const DEMO_PEOPLE: { name: string; roles: Role[]; tier: 'S' | 'C' }[] = [
  { name: 'analyst', roles: ['analyst'], tier: 'S' },
  { name: 'analyst-low', roles: ['analyst'], tier: 'C' },
  { name: 'officer', roles: ['releasing-officer'], tier: 'S' },
  { name: 'security', roles: ['security-officer'], tier: 'S' },
  { name: 'watch', roles: ['watch-officer'], tier: 'S' },
  { name: 'admin', roles: ['admin'], tier: 'S' },
];

export interface Manifest {
  /** Written once the scenario has been played (contracts §8). */
  ready: true;
  nodes: Record<
    string,
    { http: string; web: string; cotTls: number; cotTcp: number; data: string; people: DemoPerson[] }
  >;
  ca: string;
  takClient: { cert: string; key: string };
  /** The folder the demo's mail sink keeps every mail in, as .eml files. */
  mail: string;
}

interface State {
  people: Record<string, DemoPerson[]>;
  scenario?: Scenario;
  /** Set once the demo analysts have subscribed to the daily brief and confirmed it. */
  briefs?: true;
}

export interface DemoOptions {
  /** The demo folder (default `.relto-demo` in the working directory). */
  dir?: string;
  basePort?: number;
  /** Where progress lines go (default stdout). */
  log?: (line: string) => void;
}

/** The demo's news feed (its own sentences about the region in three languages, not real news). */
const DEMO_FEED = fileURLToPath(new URL('../../data/demo/news.xml', import.meta.url));

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}

/** The demo people of an open node, with fresh passwords (made side by side: hashing runs on the thread pool). */
function addPeople(node: Awaited<ReturnType<typeof openNode>>, party: Party): Promise<DemoPerson[]> {
  return Promise.all(
    DEMO_PEOPLE.map(async (p): Promise<DemoPerson> => {
      const password = randomBytes(12).toString('base64url');
      const clearance = TIER_LEVEL[party][p.tier];
      if (await node.admin.getUser(p.name)) await node.admin.setUser(p.name, { password });
      else await node.admin.addUser({ name: p.name, password, clearance, roles: p.roles });
      return { name: p.name, password, roles: p.roles, clearance };
    }),
  );
}

/** First start: the CA, the TAK client certificate, and each node's data folder and identity. */
async function setUp(dir: string): Promise<void> {
  mkdirSync(join(dir, 'ca'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'tak'), { recursive: true, mode: 0o700 });
  const caPath = join(dir, 'ca', 'ca.crt');
  let ca: CertificateAuthority;
  if (existsSync(caPath)) {
    ca = { certPem: readFileSync(caPath, 'utf8'), keyPem: readFileSync(join(dir, 'ca', 'ca.key'), 'utf8') };
  } else {
    ca = await createDemoCa({ commonName: 'relto demo CA' });
    writeSecret(join(dir, 'ca', 'ca.key'), ca.keyPem);
    writeFileSync(caPath, ca.certPem);
  }
  if (!existsSync(join(dir, 'tak', 'client.crt'))) {
    // A TAK client is known by its certificate's CN, a person of the node it connects to: `watch` exists on
    // every demo node, and with no party in the subject the one certificate works on all three.
    const tak = await issueCertificate(ca, { commonName: 'watch', kind: 'client' });
    writeSecret(join(dir, 'tak', 'client.key'), tak.keyPem);
    writeFileSync(join(dir, 'tak', 'client.crt'), tak.certPem);
  }
  for (const party of PARTIES) {
    const dataDir = join(dir, party.toLowerCase());
    if (!existsSync(join(dataDir, 'node.json'))) await createNode({ dataDir, party });
    await ensureIdentity(dataDir, party, { ca });
  }
}

/**
 * Readies one node and starts it: at first start its people (`people` undefined), at every start the two
 * others as partners at this start's exchange ports. The three run side by side, so a node starts while
 * another's people are still being made.
 */
async function prepareAndStart(
  dir: string,
  party: Party,
  base: number,
  ids: Map<Party, unknown>,
  people: DemoPerson[] | undefined,
): Promise<{ running: Running; people: DemoPerson[] }> {
  const node = await openNode({ dataDir: join(dir, party.toLowerCase()) });
  let made: DemoPerson[];
  try {
    made = people ?? (await addPeople(node, party));
    // The demo's news: a feed file written for it, polled by each node as soon as it serves.
    if (!(await node.admin.listFeeds()).some((f) => f.source === DEMO_FEED)) {
      await node.admin.addFeed({ file: DEMO_FEED, everySeconds: 3600, topics: ['DPRK-MISSILE'] });
    }
    for (const other of PARTIES) {
      if (other === party) continue;
      // Re-registered at every start (the exchange ports may have moved); the keys are the node's own.
      await addPartner(node.store, `https://127.0.0.1:${ports(base, other).exchange}`, ids.get(other), {
        replace: true,
      });
    }
  } finally {
    await node.close();
  }
  return { running: await startNode(dir, party, base), people: made };
}

function manifestOf(state: State, base: number): Manifest {
  return {
    ready: true,
    nodes: Object.fromEntries(
      PARTIES.map((party) => {
        const p = ports(base, party);
        return [
          party,
          {
            http: `http://127.0.0.1:${p.http}`,
            web: `http://127.0.0.1:${p.http}/`,
            cotTls: p.cotTls,
            cotTcp: p.cotTcp,
            data: party.toLowerCase(),
            people: state.people[party]!,
          },
        ];
      }),
    ),
    ca: 'ca/ca.crt',
    takClient: { cert: 'tak/client.crt', key: 'tak/client.key' },
    mail: 'mail',
  };
}

/**
 * Who to sign in as, one row per person: the same names on every node, each node with its own passwords.
 * The browser keeps one cookie per host whatever the port, so one browser window holds one node's session.
 */
export function peopleTable(manifest: Manifest): string[] {
  const parties = Object.keys(manifest.nodes);
  const names = manifest.nodes[parties[0]!]!.people;
  const rows = [
    ['person', 'roles', ...parties.map((p) => `${p} password`)],
    ...names.map((person) => [
      person.name,
      person.roles.join(', '),
      ...parties.map(
        (party) => manifest.nodes[party]!.people.find((x) => x.name === person.name)?.password ?? '',
      ),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return [
    '  sign in as (a private window per node: a browser keeps one session per host, whatever the port):',
    ...rows.map(
      (r) =>
        `    ${r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}`,
    ),
  ];
}

/** Runs the demo until SIGINT/SIGTERM/SIGHUP; resolves when all three nodes have stopped. */
export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const dir = resolve(options.dir ?? '.relto-demo');
  const base = options.basePort ?? 7410;
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  // Before anything is made or changed: a port in use is refused at once, naming it.
  await assertPortsFree(base);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const statePath = join(dir, 'state.json');
  const known = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as State) : undefined;
  if (!known) {
    log('relto demo: first start: demo CA, node identities, TAK client certificate, people…');
    await setUp(dir);
  }
  const ids = new Map<Party, unknown>();
  for (const party of PARTIES) {
    ids.set(party, publicIdentity(await ensureIdentity(join(dir, party.toLowerCase()), party)));
  }
  // The mail sink first: the nodes send to it from their first moment (a confirmation, a due brief).
  const sink = new DemoMailSink(join(dir, 'mail'));
  await sink.start(mailSinkPort(base));
  const running: Running[] = [];
  const started = await Promise.allSettled(
    PARTIES.map((party) => prepareAndStart(dir, party, base, ids, known?.people[party])),
  );
  for (const s of started) if (s.status === 'fulfilled') running.push(s.value.running);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopNodes(running);
    await sink.stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  const state: State = known ?? {
    people: Object.fromEntries(
      started.map((s, i) => [
        PARTIES[i],
        (s as PromiseFulfilledResult<{ people: DemoPerson[] }>).value.people,
      ]),
    ),
  };
  if (!known) writeSecret(statePath, JSON.stringify(state, null, 2));
  const nodes = Object.fromEntries(running.map((r) => [r.party, r])) as Record<Party, Running>;
  const people = new People(nodes, state.people);
  let lines: string[];
  try {
    if (!state.scenario) {
      log(
        'relto demo: playing the scenario (release KOR → JPN, forward JPN → USA with KOR’s consent, TISA relay KOR → USA → JPN)…',
      );
      state.scenario = await playScenario(people);
      writeSecret(statePath, JSON.stringify(state, null, 2));
    }
    if (!state.briefs) {
      log('relto demo: the analysts subscribe to the daily brief and confirm it from the mail…');
      await subscribeAnalysts((party, name) => people.as(party, name), PARTIES, sink);
      state.briefs = true;
      writeSecret(statePath, JSON.stringify(state, null, 2));
    }
    // Each start sends the day's briefs not sent yet (the nodes' schedule sends the next ones at 07:00).
    await sendBriefs((party, name) => people.as(party, name), PARTIES);
    lines = await describeScenario(people, state.scenario);
  } catch (e) {
    await stopNodes(running);
    await sink.stop();
    throw e;
  } finally {
    await people.signOut();
  }
  const replay = new AbortController();
  let stopping = false;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`relto demo: stopping the three nodes (${signal})…`);
    replay.abort();
    void stopNodes(running)
      .then(() => sink.stop())
      .then(done);
  };
  // Before the lines below: whoever reads them may signal at once, and until a handler is installed the
  // kernel's default ends the process by the signal, leaving the three nodes to stop on their own.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
  const manifest = manifestOf(state, base);
  writeSecret(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log('');
  log('relto demo: three nodes are up (Ctrl-C stops all three)');
  for (const party of PARTIES) {
    const m = manifest.nodes[party]!;
    const exchange = `https://127.0.0.1:${ports(base, party).exchange}`;
    log(
      `  ${party}  web ${m.web}   (TAXII ${m.http}/taxii2/, API docs ${m.http}/docs, exchange ${exchange})`,
    );
  }
  log('');
  for (const l of peopleTable(manifest)) log(l);
  log('');
  log('  scenario, as it stands now:');
  for (const l of lines) log(l);
  log(`  people and passwords: ${join(dir, 'manifest.json')}`);
  log(
    `  mail: ${join(dir, manifest.mail)} (each ${BRIEF_READERS.join(' and ')}'s daily brief and its confirmation, as .eml files)`,
  );
  if (DEMO_COT) replayDemoLaunch(base, replay.signal, log);
  for (const r of running) {
    r.proc.once('exit', () => {
      if (!stopping && running.every((x) => x.proc.exitCode !== null || x.proc.signalCode !== null)) {
        replay.abort();
        void sink.stop().then(done);
      }
    });
  }
  await finished;
}
