import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { ReltoClient } from '../client/index.js';
import { renderLabel } from '../label/index.js';
import { verifyAudit } from '../node/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { isAlternativeMarking, isReltoMarking, markingToLabel } from '../stix/index.js';
import type { StixObject } from '../store/index.js';
import { flightUpdates, loadLaunches } from '../track/index.js';
import type { Manifest } from './demo.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'relto-demo-'));
const demoDir = join(dir, '.relto-demo');
// A base port in a range the other suites do not use.
const BASE = 20_000 + (process.pid % 200) * 40;
/** Every port the demo listens on: HTTP, CoT TLS, CoT TCP and exchange of each node. */
const ALL_PORTS = [...[0, 10, 20].flatMap((o) => [0, 1, 2, 5].map((d) => BASE + o + d)), BASE + 8];
/** A daily brief's subject in each node's language (a confirmation's is not). */
const BRIEF_SUBJECT = /^relto (일일 브리핑|デイリーブリーフ|daily brief,) \d{4}-\d{2}-\d{2}$/;

const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startDemo() {
  const proc = spawn(process.execPath, [bin, 'demo', '--base-port', String(BASE)], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RELTO_PG_URL: '' },
  });
  started.push(proc);
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const up = new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('people and passwords')) {
        clearInterval(t);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(t);
      reject(new Error(`demo exited ${code}: ${err}`));
    });
  });
  up.catch(() => {});
  const stop = (signal: NodeJS.Signals = 'SIGINT') => {
    proc.kill(signal);
    return exited;
  };
  return { proc, up, stop, exited, output: () => out, errors: () => err };
}

/** Can this process listen on the port (127.0.0.1)? */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A TAK client on a node's CoT TLS port, keeping every event it receives. */
function takClient(manifest: Manifest, party: string): { socket: TLSSocket; events: () => string[] } {
  const socket = connectTls({
    host: '127.0.0.1',
    port: manifest.nodes[party]!.cotTls,
    ca: readFileSync(join(demoDir, manifest.ca)),
    cert: readFileSync(join(demoDir, manifest.takClient.cert)),
    key: readFileSync(join(demoDir, manifest.takClient.key)),
    servername: 'localhost',
  });
  let got = '';
  socket.on('data', (chunk: Buffer) => {
    got += chunk.toString();
  });
  socket.on('error', () => {});
  return { socket, events: () => got.split('</event>').slice(0, -1) };
}

async function eventually<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The mails in the demo's mail folder, parsed. */
async function demoBriefs(): Promise<{ to: string; subject: string; text: string; headers: string }[]> {
  const folder = join(demoDir, 'mail');
  return Promise.all(
    readdirSync(folder)
      .filter((f) => f.endsWith('.eml'))
      .map(async (f) => {
        const raw = readFileSync(join(folder, f), 'utf8');
        const parsed = await simpleParser(raw);
        const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
        return {
          to: to?.value[0]?.address ?? '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          headers: raw.slice(0, raw.indexOf('\r\n\r\n')),
        };
      }),
  );
}

async function signedIn(manifest: Manifest, party: string, name: string): Promise<ReltoClient> {
  const person = manifest.nodes[party]!.people.find((p) => p.name === name)!;
  const c = new ReltoClient({ node: manifest.nodes[party]!.http, user: name, password: person.password });
  await c.signIn();
  return c;
}

interface State {
  scenario: { koreanReport: string; relayed: string; consentRequest: string };
}

describe('relto demo (contracts §8)', () => {
  it('a port in use stops it at once with one line, PORT_IN_USE naming the port, before anything is made', async () => {
    const held: Server = createServer();
    await new Promise<void>((resolve) => held.listen(BASE + 20, '127.0.0.1', resolve));
    try {
      const demo = startDemo();
      expect(await demo.exited).toBe(1);
      const lines = demo.errors().trim().split('\n');
      expect(lines).toHaveLength(1);
      const { error } = JSON.parse(lines[0]!) as { error: { code: string; message: string } };
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message).toContain(String(BASE + 20));
      expect(error.message).not.toMatch(/[{}]/); // a sentence, not another program's JSON inside it
      expect(existsSync(demoDir)).toBe(false);
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  }, 30_000);

  it('comes up within 60 s, ready, with the scenario played to the end (JPN sees 極秘 with 군사II급비밀 beside it; the US analyst reads the report JPN forwarded with KOR’s consent), tracks through the hub, stops cleanly, audit verify passes', async () => {
    const t0 = Date.now();
    const demo = startDemo();
    await demo.up;
    expect(Date.now() - t0).toBeLessThan(60_000);
    const manifest = JSON.parse(readFileSync(join(demoDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.ready).toBe(true);
    expect(Object.keys(manifest.nodes).sort()).toEqual(['JPN', 'KOR', 'USA']);
    expect(manifest.nodes.JPN!.http).toBe(`http://127.0.0.1:${BASE + 10}`);
    expect(manifest.nodes.USA!.cotTls).toBe(BASE + 21);
    expect(manifest.nodes.KOR!.cotTcp).toBe(BASE + 2);
    expect(manifest.nodes.KOR!.people.map((p) => p.name).sort()).toEqual(
      ['admin', 'analyst', 'analyst-low', 'officer', 'security', 'watch'].sort(),
    );
    for (const p of [manifest.ca, manifest.takClient.cert, manifest.takClient.key]) {
      expect(existsSync(join(demoDir, p))).toBe(true);
    }

    // The web workspace: each node's address in the manifest and on screen, with who to sign in as.
    expect(manifest.nodes.KOR!.web).toBe(`http://127.0.0.1:${BASE}/`);
    expect(manifest.nodes.USA!.web).toBe(`http://127.0.0.1:${BASE + 20}/`);
    for (const node of Object.values(manifest.nodes)) expect(demo.output()).toContain(`web ${node.web}`);
    const officer = (party: string) => manifest.nodes[party]!.people.find((p) => p.name === 'officer')!;
    expect(demo.output()).toMatch(
      new RegExp(`officer +releasing-officer +${officer('KOR').password} +${officer('JPN').password}`),
    );
    const webSignIn = await fetch(`${manifest.nodes.KOR!.http}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'officer', password: officer('KOR').password }),
    });
    expect(webSignIn.status).toBe(201);
    expect(webSignIn.headers.get('set-cookie')).toMatch(/^relto_session=[^;]+;.*HttpOnly/);
    expect(((await webSignIn.json()) as { person: { roles: string[] } }).person.roles).toEqual([
      'releasing-officer',
    ]);
    const webPage = await fetch(manifest.nodes.KOR!.web);
    // The page, or (in a checkout where the web workspace was not built) a 503 saying so.
    expect(webPage.status === 200 || (webPage.status === 503 && /not built/.test(await webPage.text()))).toBe(
      true,
    );
    expect(webPage.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const state = JSON.parse(readFileSync(join(demoDir, 'state.json'), 'utf8')) as State;

    // R11, R15: the forward played to the end: the US analyst reads Korea's report through Korea's consent.
    const usa = await signedIn(manifest, 'USA', 'analyst');
    expect(JSON.stringify(await usa.get(state.scenario.koreanReport))).toContain(state.scenario.koreanReport);
    await usa.signOut();
    expect(demo.output()).toContain("the US analyst reads it through Korea's consent");

    // The demo's news is in every node: its feed polled as each node started serving.
    for (const party of ['KOR', 'JPN', 'USA']) {
      const reader = await signedIn(manifest, party, 'analyst');
      let news: unknown[] = [];
      for (let i = 0; i < 50 && news.length < 24; i++) {
        const { items } = await reader.list({ type: 'report' });
        news = items.filter((o) => (o.report_types as string[] | undefined)?.includes('news'));
        if (news.length < 24) await new Promise((r) => setTimeout(r, 200));
      }
      expect(news, party).toHaveLength(24);
      await reader.signOut();
    }

    // Each demo analyst's brief sits in the mail folder, in their language, the disputed island and sea named
    // as their nation names them; the demo says where.
    expect(manifest.mail).toBe('mail');
    expect(demo.output()).toContain(join(demoDir, 'mail'));
    const briefs = await demoBriefs();
    for (const [party, subject, island, sea] of [
      ['KOR', /^relto 일일 브리핑 \d{4}-\d{2}-\d{2}$/, '독도', '동해'],
      ['JPN', /^relto デイリーブリーフ \d{4}-\d{2}-\d{2}$/, '竹島', '日本海'],
      ['USA', /^relto daily brief, \d{4}-\d{2}-\d{2}$/, 'Liancourt Rocks', 'Sea of Japan'],
    ] as const) {
      for (const who of ['analyst', 'analyst-low']) {
        const mine = briefs.filter((m) => m.to === `${who}@${party.toLowerCase()}.relto.example`);
        expect(
          mine.map((m) => m.subject).filter((t) => subject.test(t)),
          `${party} ${who}`,
        ).toHaveLength(1);
        const brief = mine.find((m) => subject.test(m.subject))!;
        expect(brief.text).toContain(island);
        expect(brief.text).toContain(sea);
        expect(brief.headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      }
    }

    // Tracks: a TAK client on Japan's node gets the replayed launch through the US hub (R24), stripped (R30),
    // and a sensor's event sent to KOR's CoT input with no label and no feed (KOR's input is feed KOR-MW-1).
    const tak = takClient(manifest, 'JPN');
    await new Promise<void>((resolve, reject) => {
      tak.socket.once('secureConnect', () => resolve());
      tak.socket.once('error', reject);
    });
    const launches = loadLaunches();
    const uid = `SENSOR-TEST-${process.pid}`;
    /** A fresh sensor event (its own time, so the node never takes it for one it has seen). */
    const bare = () =>
      flightUpdates(launches[launches.length - 1]!, {
        seed: 2,
        label: null,
        launchTime: new Date().toISOString(),
      })
        .next()
        .value!.xml.replace(/<__relto [^>]*\/>/, '')
        .replace(/uid="[^"]*"/, `uid="${uid}"`);
    expect(bare()).not.toMatch(/__relto|access=|releasableTo=/);
    // Sent until it arrives: the hub may still be connecting its partners' streams.
    const sensorTrack = await eventually(
      'the unlabelled sensor event at JPN',
      async () => {
        const found = tak.events().find((e) => e.includes(`uid="${uid}"`));
        if (found) return found;
        await new Promise<void>((resolve) => {
          const s = connect(manifest.nodes.KOR!.cotTcp, '127.0.0.1', () => s.end(bare(), () => resolve()));
          s.once('error', () => resolve());
        });
        await new Promise((r) => setTimeout(r, 500));
        return undefined;
      },
      30_000,
    );
    expect(sensorTrack).toContain('flow="KOR USA JPN"');
    expect(sensorTrack).toContain('feed="KOR-MW-1"');
    expect(sensorTrack).not.toMatch(/<sensor|<__sensor|<contact|<remarks/);
    const track = await eventually('the replayed launch at JPN', () =>
      tak.events().find((e) => !e.includes(uid) && e.includes('<__relto')),
    );
    tak.socket.destroy();
    expect(track).toContain('flow="KOR USA JPN"');
    expect(track).toContain('releasableTo="KOR JPN USA"');
    expect(track).not.toMatch(/<sensor|<__sensor|<contact|<remarks/);
    expect(demo.output()).toMatch(
      /replay it yourself: npx relto simulate launch --row \d+ --to 127\.0\.0\.1:\d+/,
    );

    // Through the JPN node's API, as JPN's analyst.
    const c = await signedIn(manifest, 'JPN', 'analyst');
    const page = (await c.get(state.scenario.koreanReport)) as {
      markings?: StixObject[];
      items?: StixObject[];
    };
    const all = [...(page.markings ?? []), ...(page.items ?? [])];
    const original = all.find((o) => isReltoMarking(o) && !isAlternativeMarking(o))!;
    expect(all.some((o) => isAlternativeMarking(o))).toBe(true); // R6: JPN's own alternative label
    const line = renderLabel(compileRegistry(loadBuiltinRegistry()), markingToLabel(original), {
      reader: 'JPN',
      lang: 'ja',
      agreement: 'KOR-JPN-GSOMIA',
    }).banner;
    expect(line).toMatch(/^極秘 .*군사II급비밀/);
    expect(demo.output()).toContain(line);
    // The 2015 report reached JPN through the US under TISA (R24).
    expect(JSON.stringify(await c.get(state.scenario.relayed))).toContain('TISA');
    await c.signOut();
    expect(await demo.stop()).toBe(0);
    for (const party of ['kor', 'jpn', 'usa']) {
      expect((await verifyAudit({ dataDir: join(demoDir, party) })).ok).toBe(true);
    }
  }, 150_000);

  it('a restart prints the scenario as it stands, plays nothing again; a SIGKILL of the demo leaves no node holding its ports', async () => {
    // A demo left running by a failed test above would hold the ports.
    await Promise.all(
      started
        .filter((p) => p.exitCode === null && p.signalCode === null)
        .map((p) => new Promise((resolve) => p.once('exit', resolve).kill('SIGINT'))),
    );
    const before = JSON.parse(readFileSync(join(demoDir, 'state.json'), 'utf8')) as State;
    const again = startDemo();
    await again.up;
    const out = again.output();
    expect(out).not.toContain('playing the scenario');
    // The day's briefs went out at the first start: a restart sends none again.
    const mailsBefore = readdirSync(join(demoDir, 'mail')).length;
    expect((await demoBriefs()).filter((m) => BRIEF_SUBJECT.test(m.subject))).toHaveLength(6);
    expect(readdirSync(join(demoDir, 'mail')).length).toBe(mailsBefore);
    expect(out).toContain('scenario, as it stands now');
    expect(out).toContain("Korea's releasing officer consented");
    expect(out).not.toContain("waiting for Korea's consent");
    const after = JSON.parse(readFileSync(join(demoDir, 'state.json'), 'utf8')) as State;
    expect(after.scenario.koreanReport).toBe(before.scenario.koreanReport);
    for (const port of [BASE, BASE + 10, BASE + 20]) expect(await free(port)).toBe(false);
    // kill -9: the demo cannot stop its nodes; each stops on its own when its tie to the demo closes.
    expect(await again.stop('SIGKILL')).toBe(null);
    const held = await eventually(
      'every demo port free again',
      async () => {
        const busy = [];
        for (const port of ALL_PORTS) if (!(await free(port))) busy.push(port);
        return busy.length === 0 ? busy : undefined;
      },
      20_000,
    ).catch(async () => {
      const busy = [];
      for (const port of ALL_PORTS) if (!(await free(port))) busy.push(port);
      return busy;
    });
    expect(held).toEqual([]);
    for (const party of ['kor', 'jpn', 'usa']) {
      expect((await verifyAudit({ dataDir: join(demoDir, party) })).ok).toBe(true);
    }
  }, 120_000);
});
