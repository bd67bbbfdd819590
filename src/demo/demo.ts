import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReltoError } from '../errors/index.js';
import { ReltoClient } from '../http/index.js';
import {
  type CertificateAuthority,
  createDemoCa,
  ensureIdentity,
  issueCertificate,
  publicIdentity,
} from '../identity/index.js';
import { type Label, renderLabel } from '../label/index.js';
import { addPartner } from '../node/exchange/index.js';
import { createNode, openNode } from '../node/index.js';
import type { Role } from '../policy/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import {
  isAlternativeMarking,
  isReltoMarking,
  labelToMarking,
  markingToLabel,
  partyIdentityId,
} from '../stix/index.js';
import type { StixObject } from '../store/index.js';
import { loadLaunches, planFlight, replayLaunch } from '../track/index.js';

/**
 * `relto demo` (contracts §8): three nodes, KOR, JPN and USA, each a `relto serve` child process on its demo
 * ports with SQLite in `.relto-demo/<party>/`; a demo CA, node identities and a TAK client certificate made at
 * first start (never committed: `.relto-demo/` is gitignored); the demo people on every node with generated
 * passwords written to `manifest.json`; every node the partner of the two others; and at first start the
 * scenario played through the nodes' own APIs. A second start keeps the data and plays nothing again.
 *
 * Ports: HTTP (web, API, TAXII) B, CoT TLS B+1, CoT TCP B+2 per §8; the exchange between nodes (mutual TLS,
 * §9) listens on B+5, which §8 leaves free.
 */

export const PARTIES = ['KOR', 'JPN', 'USA'] as const;
type Party = (typeof PARTIES)[number];

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

/**
 * Issue 5's live tracks: each node serves CoT on its §8 ports (`relto serve --cot-tls B+1 --cot-tcp B+2`,
 * startTrackServices) with the two other nodes as CoT partners. RELTO_DEMO_COT=0 starts the nodes without.
 */
export const DEMO_COT = process.env.RELTO_DEMO_COT !== '0';

export interface DemoPerson {
  name: string;
  password: string;
  roles: string[];
  clearance: string;
}

export interface Manifest {
  nodes: Record<string, { http: string; cotTls: number; cotTcp: number; data: string; people: DemoPerson[] }>;
  ca: string;
  takClient: { cert: string; key: string };
}

interface State {
  people: Record<string, DemoPerson[]>;
  scenario?: { koreanReport: string; consentRequest: string; relayed: string; playedAt: string };
}

export interface DemoOptions {
  /** The demo folder (default `.relto-demo` in the working directory). */
  dir?: string;
  basePort?: number;
  /** Where progress lines go (default stdout). */
  log?: (line: string) => void;
}

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));

function ports(base: number, party: Party) {
  const b = base + PARTIES.indexOf(party) * 10;
  return { http: b, cotTls: b + 1, cotTcp: b + 2, exchange: b + 5 };
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}

/** First start: CA, TAK client certificate, nodes, identities, people. Returns the people (with passwords). */
async function setUp(dir: string): Promise<State> {
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
  const people: Record<string, DemoPerson[]> = {};
  for (const party of PARTIES) {
    const dataDir = join(dir, party.toLowerCase());
    if (!existsSync(join(dataDir, 'node.json'))) await createNode({ dataDir, party });
    await ensureIdentity(dataDir, party, { ca });
    const node = await openNode({ dataDir });
    try {
      people[party] = [];
      for (const p of DEMO_PEOPLE) {
        const password = randomBytes(12).toString('base64url');
        const clearance = TIER_LEVEL[party][p.tier];
        if (await node.admin.getUser(p.name)) await node.admin.setUser(p.name, { password });
        else await node.admin.addUser({ name: p.name, password, clearance, roles: p.roles });
        people[party]!.push({ name: p.name, password, roles: p.roles, clearance });
      }
    } finally {
      await node.close();
    }
  }
  return { people };
}

/** Every node the partner of the two others, at this start's exchange ports (re-done at every start). */
async function registerPartners(dir: string, base: number): Promise<void> {
  const ids = new Map<Party, unknown>();
  for (const party of PARTIES) {
    ids.set(party, publicIdentity(await ensureIdentity(join(dir, party.toLowerCase()), party)));
  }
  for (const party of PARTIES) {
    const node = await openNode({ dataDir: join(dir, party.toLowerCase()) });
    try {
      for (const other of PARTIES) {
        if (other === party) continue;
        await addPartner(node.store, `https://127.0.0.1:${ports(base, other).exchange}`, ids.get(other), {
          replace: true,
        });
      }
    } finally {
      await node.close();
    }
  }
}

/**
 * Issue 5: one launch replayed through all three nodes. The newest launch of the shared facts goes into
 * KOR's sensor input, sped up to about two minutes; KOR strips it (R30) and streams it to the US hub,
 * which relays it to Japan under KOR's standing consent (R24).
 */
function replayDemoLaunch(base: number, signal: AbortSignal, log: (line: string) => void): void {
  const launches = loadLaunches();
  const launch = launches[launches.length - 1]!;
  const seconds = planFlight(launch, { seed: 1 }).seconds;
  const speedup = Math.max(1, Math.round(seconds / 120));
  log(
    `  live track: the ${launch.date} launch (${launch.missile}) replays into KOR's sensor input, ${speedup}× faster;`,
  );
  log('    watch it with the TAK client certificate on any CoT TLS port, or at /api/v1/tracks/stream');
  replayLaunch({
    launch,
    to: { host: '127.0.0.1', port: ports(base, 'KOR').cotTcp },
    rate: 2,
    speedup,
    signal,
  }).catch((e: Error) => {
    if (!signal.aborted) log(`relto demo: the launch replay stopped: ${e.message}`);
  });
}

/** The CoT links of the demo: spokes to the US hub, the hub to both spokes. */
function cotPartners(party: Party): Party[] {
  return party === 'USA' ? ['KOR', 'JPN'] : ['USA'];
}

/**
 * R24: the standing consents the US hub holds to relay each originator's missile-warning feed to the
 * other (they never widen a track's Releasable To). Given at the demo's first start.
 */
function writeHubConsents(dir: string): string {
  const path = join(dir, 'usa-cot-consents.json');
  if (!existsSync(path)) {
    const at = new Date().toISOString();
    const consents = [
      { feed: DEMO_FEEDS.KOR, by: 'KOR', to: 'JPN', at, ref: `consent--${randomUUID()}` },
      { feed: DEMO_FEEDS.JPN, by: 'JPN', to: 'KOR', at, ref: `consent--${randomUUID()}` },
    ];
    writeFileSync(path, `${JSON.stringify(consents, null, 2)}\n`);
  }
  return path;
}

/** The missile-warning feed of each spoke (the simulator's default feed is KOR's). */
const DEMO_FEEDS = { KOR: 'KOR-MW-1', JPN: 'JPN-MW-1' } as const;

interface Running {
  party: Party;
  proc: ChildProcess;
  http: string;
}

function startNode(dir: string, party: Party, base: number): Promise<Running> {
  const p = ports(base, party);
  const args = [
    bin,
    'serve',
    '--data',
    join(dir, party.toLowerCase()),
    '--http',
    `127.0.0.1:${p.http}`,
    '--exchange',
    `127.0.0.1:${p.exchange}`,
    '--log',
    'warn',
    ...(DEMO_COT
      ? [
          '--cot-tls',
          String(p.cotTls),
          '--cot-tcp',
          String(p.cotTcp),
          // As the 2023 mechanism routes warning data through the US hub: KOR and JPN link to USA only.
          ...cotPartners(party).flatMap((o) => ['--cot-partner', `${o}=127.0.0.1:${ports(base, o).cotTls}`]),
          ...(party === 'USA' ? ['--cot-consents', writeHubConsents(dir)] : []),
        ]
      : []),
  ];
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RELTO_PG_URL: '' },
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  return new Promise((resolveStart, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      proc.stdout!.off('data', onData);
      try {
        const line = JSON.parse(out.slice(0, nl)) as { http: string };
        resolveStart({ party, proc, http: line.http });
      } catch (e) {
        reject(e);
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) =>
      reject(
        new ReltoError('INTERNAL', `the ${party} node exited (${code}) at start: ${stderr.slice(-2000)}`),
      ),
    );
  });
}

async function client(node: Running, state: State, name: string): Promise<ReltoClient> {
  const person = state.people[node.party]!.find((p) => p.name === name)!;
  const c = new ReltoClient({ node: node.http, user: name, password: person.password });
  await c.signIn();
  return c;
}

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch {
      // not yet
    }
    if (Date.now() > end)
      throw new ReltoError('INTERNAL', `demo scenario: ${what} did not happen in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function report(
  label: Label,
  name: string,
  description: string,
  at: string,
): { report: StixObject; bundle: object } {
  const marking = labelToMarking(label) as unknown as StixObject;
  const identity = partyIdentityId(label.originator);
  const r: StixObject = {
    type: 'report',
    spec_version: '2.1',
    id: `report--${randomUUID()}`,
    created: at,
    modified: at,
    created_by_ref: identity,
    name,
    description,
    published: at,
    object_refs: [identity],
    object_marking_refs: [marking.id],
  };
  return { report: r, bundle: { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [marking, r] } };
}

/** Files a release as `analyst`, approved by `officer` (R34: two people). */
async function release(node: Running, state: State, item: string, to: string, under?: string): Promise<void> {
  const analyst = await client(node, state, 'analyst');
  const request = (await analyst.release(item, to, under)) as { id: string };
  const officer = await client(node, state, 'officer');
  const answer = (await officer.approve(request.id)) as { status: string; decision?: unknown };
  // Approved and on its way (pending until the partner's receipt); denied or refused stops the scenario.
  if (answer.status !== 'pending') {
    throw new ReltoError(
      'INTERNAL',
      `demo scenario: release of ${item} to ${to} ${answer.status}`,
      '',
      answer,
    );
  }
}

/** The scenario of contracts §8, played through the nodes' APIs as their people. */
async function playScenario(nodes: Record<Party, Running>, state: State): Promise<State['scenario']> {
  const { KOR, JPN, USA } = nodes;
  // 1. A Korean report released to Japan (極秘 with 군사II급비밀 beside it).
  const first = report(
    { originator: 'KOR', classification: 'II', releasableTo: ['JPN', 'KOR'], topics: ['DPRK-MISSILE'] },
    'DPRK SRBM launch from Sunan: trajectory assessment',
    'Two short-range ballistic missiles launched eastward; apogee about 50 km, range about 400 km.',
    new Date().toISOString(),
  );
  await (await client(KOR, state, 'analyst')).post(first.bundle);
  await release(KOR, state, first.report.id, 'JPN');
  const jpnAnalyst = await client(JPN, state, 'analyst');
  await until('the release to JPN', () => jpnAnalyst.get(first.report.id));
  // 2. Japan asks Korea's consent to forward it to the US: waits for KOR's releasing officer (R15, R34).
  const asked = (await jpnAnalyst.requestConsent({ item: first.report.id, to: 'USA' })) as { id: string };
  const korOfficer = await client(KOR, state, 'officer');
  await until('the consent request at KOR', async () => {
    const list = (await korOfficer.consentRequests()) as {
      incoming: { request: { id: string } }[];
    };
    return list.incoming.some((r) => r.request.id === asked.id);
  });
  // 3. A 2015 report relayed Korea → US → Japan under TISA (R24, R25).
  const second = report(
    {
      originator: 'KOR',
      classification: 'II',
      releasableTo: ['JPN', 'KOR', 'USA'],
      topics: ['DPRK-NUCLEAR'],
    },
    'DPRK fourth nuclear test preparations at Punggye-ri (2015)',
    'Tunnel activity and vehicle movements consistent with test preparations.',
    '2015-12-28T09:00:00.000Z',
  );
  await (await client(KOR, state, 'analyst')).post(second.bundle);
  await release(KOR, state, second.report.id, 'USA');
  const usaAnalyst = await client(USA, state, 'analyst');
  await until('the release to USA', () => usaAnalyst.get(second.report.id));
  const relayAsk = (await usaAnalyst.requestConsent({ item: second.report.id, to: 'JPN' })) as { id: string };
  await until('KOR consenting to the relay', async () => {
    const a = (await korOfficer.consent(relayAsk.id, false)) as { status: string };
    return a.status === 'granted';
  });
  await until('the consent at USA', async () => {
    const list = (await usaAnalyst.consentRequests()) as {
      outgoing: { status: string; request: { id: string } }[];
    };
    return list.outgoing.some((r) => r.request.id === relayAsk.id && r.status === 'granted');
  });
  await release(USA, state, second.report.id, 'JPN', 'TISA');
  await until('the relay to JPN', () => jpnAnalyst.get(second.report.id));
  return {
    koreanReport: first.report.id,
    consentRequest: asked.id,
    relayed: second.report.id,
    playedAt: new Date().toISOString(),
  };
}

/** The label line a JPN analyst sees for an item, from what the JPN node serves (renderLabel, R6). */
async function japaneseLine(jpn: Running, state: State, id: string): Promise<string> {
  const reg = compileRegistry(loadBuiltinRegistry());
  const c = await client(jpn, state, 'analyst');
  const page = (await c.get(id)) as { objects?: StixObject[]; markings?: StixObject[] };
  const all = [...(page.markings ?? []), ...(page.objects ?? [])];
  const md = all.find(
    (o) => o.type === 'marking-definition' && isReltoMarking(o) && !isAlternativeMarking(o),
  );
  if (!md) return '(no label served)';
  const alt = all.find((o) => o.type === 'marking-definition' && isAlternativeMarking(o));
  const agreement = alt ? String((JSON.stringify(alt).match(/"agreement":"([^"]+)"/) ?? [])[1] ?? '') : '';
  return renderLabel(reg, markingToLabel(md), {
    reader: 'JPN',
    lang: 'ja',
    ...(agreement ? { agreement } : {}),
  }).banner;
}

/** Runs the demo until SIGINT/SIGTERM; resolves when all three nodes have stopped. */
export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const dir = resolve(options.dir ?? '.relto-demo');
  const base = options.basePort ?? 7410;
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const statePath = join(dir, 'state.json');
  let state: State;
  if (existsSync(statePath)) {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
  } else {
    log('relto demo: first start: demo CA, node identities, TAK client certificate, people…');
    state = await setUp(dir);
    writeSecret(statePath, JSON.stringify(state, null, 2));
  }
  await registerPartners(dir, base);
  const running: Running[] = [];
  const stopAll = async (signal: NodeJS.Signals) => {
    await Promise.all(
      running.map(
        (r) =>
          new Promise<void>((done) => {
            if (r.proc.exitCode !== null || r.proc.signalCode !== null) return done();
            r.proc.once('exit', () => done());
            r.proc.kill(signal);
          }),
      ),
    );
  };
  try {
    const started = await Promise.allSettled(PARTIES.map((party) => startNode(dir, party, base)));
    for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (e) {
    await stopAll('SIGTERM');
    throw e;
  }
  const nodes = Object.fromEntries(running.map((r) => [r.party, r])) as Record<Party, Running>;
  try {
    if (!state.scenario) {
      log(
        'relto demo: playing the scenario (release KOR → JPN, consent request, TISA relay KOR → USA → JPN)…',
      );
      state.scenario = await playScenario(nodes, state);
      writeSecret(statePath, JSON.stringify(state, null, 2));
    }
  } catch (e) {
    await stopAll('SIGTERM');
    throw e;
  }
  const manifest: Manifest = {
    nodes: Object.fromEntries(
      PARTIES.map((party) => {
        const p = ports(base, party);
        return [
          party,
          {
            http: `http://127.0.0.1:${p.http}`,
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
  };
  writeSecret(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const line = await japaneseLine(nodes.JPN, state, state.scenario!.koreanReport).catch(
    (e: Error) => `(${e.message})`,
  );
  log('');
  log('relto demo: three nodes are up (Ctrl-C stops all three)');
  for (const party of PARTIES) {
    const m = manifest.nodes[party]!;
    const exchange = `https://127.0.0.1:${ports(base, party).exchange}`;
    log(`  ${party}  ${m.http}   (TAXII ${m.http}/taxii2/, API docs ${m.http}/docs, exchange ${exchange})`);
    log(`       sign in as: ${m.people.map((p) => `${p.name} / ${p.password}`).join(',  ')}`);
  }
  log('');
  log('  scenario:');
  log(`    - a Korean report released to Japan: ${state.scenario!.koreanReport}`);
  log(`      Japan's analyst sees: ${line}`);
  log(
    `    - Japan asks to forward it to the US, waiting for Korea's consent: ${state.scenario!.consentRequest}`,
  );
  log(`    - a 2015 report relayed Korea → US → Japan under TISA: ${state.scenario!.relayed}`);
  log(`  people and passwords: ${join(dir, 'manifest.json')}`);
  const replay = new AbortController();
  if (DEMO_COT) replayDemoLaunch(base, replay.signal, log);
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`relto demo: stopping the three nodes (${signal})…`);
      replay.abort();
      void stopAll('SIGTERM').then(done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    for (const r of running) {
      r.proc.once('exit', () => {
        if (!stopping && running.every((x) => x.proc.exitCode !== null || x.proc.signalCode !== null)) done();
      });
    }
  });
}
