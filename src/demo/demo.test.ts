import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ReltoClient } from '../http/index.js';
import { renderLabel } from '../label/index.js';
import { verifyAudit } from '../node/index.js';
import { compileRegistry, loadBuiltinRegistry } from '../registry/index.js';
import { isAlternativeMarking, isReltoMarking, markingToLabel } from '../stix/index.js';
import type { StixObject } from '../store/index.js';
import type { Manifest } from './demo.js';

const bin = fileURLToPath(new URL('../../bin/relto.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'relto-demo-'));
const demoDir = join(dir, '.relto-demo');
// A base port in a range the other suites do not use.
const BASE = 20_000 + (process.pid % 200) * 40;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startDemo() {
  const proc = spawn(process.execPath, [bin, 'demo', '--base-port', String(BASE)], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RELTO_PG_URL: '' },
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const up = new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('people and passwords')) {
        clearInterval(t);
        resolve();
      }
    }, 100);
    proc.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`demo exited ${code}: ${err}`));
    });
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      proc.once('exit', (code) => resolve(code));
      proc.kill('SIGINT');
    });
  return { proc, up, stop, output: () => out };
}

describe('relto demo (contracts §8)', () => {
  it('comes up within 60 s with the manifest, the scenario played (JPN sees 極秘 with 군사II급비밀 beside it), stops cleanly, audit verify passes on all three', async () => {
    const started = Date.now();
    const demo = startDemo();
    await demo.up;
    expect(Date.now() - started).toBeLessThan(60_000);
    const manifest = JSON.parse(readFileSync(join(demoDir, 'manifest.json'), 'utf8')) as Manifest;
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
    const state = JSON.parse(readFileSync(join(demoDir, 'state.json'), 'utf8')) as {
      scenario: { koreanReport: string; relayed: string };
    };
    // The CoT sensor input of each node listens on its §8 port (issue 5's track services).
    for (const party of ['KOR', 'JPN', 'USA']) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(manifest.nodes[party]!.cotTcp, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
      });
    }
    // The replayed launch reaches a TAK client on Japan's node through the US hub (R24), stripped (R30).
    const track = await new Promise<string>((resolve, reject) => {
      const tak = connectTls({
        host: '127.0.0.1',
        port: manifest.nodes.JPN!.cotTls,
        ca: readFileSync(join(demoDir, manifest.ca)),
        cert: readFileSync(join(demoDir, manifest.takClient.cert)),
        key: readFileSync(join(demoDir, manifest.takClient.key)),
        servername: 'localhost',
      });
      let got = '';
      const timer = setTimeout(
        () => reject(new Error(`no track at JPN in 30 s: ${got.slice(0, 200)}`)),
        30_000,
      );
      tak.on('data', (chunk: Buffer) => {
        got += chunk.toString();
        const end = got.indexOf('</event>');
        if (end >= 0) {
          clearTimeout(timer);
          tak.destroy();
          resolve(got.slice(0, end + 8));
        }
      });
      tak.once('error', reject);
    });
    expect(track).toContain('flow="KOR USA JPN"');
    expect(track).toContain('releasableTo="KOR JPN USA"');
    expect(track).not.toMatch(/<sensor|<__sensor|<contact|<remarks/);
    // Through the JPN node's API, as JPN's analyst.
    const analyst = manifest.nodes.JPN!.people.find((p) => p.name === 'analyst')!;
    const c = new ReltoClient({
      node: manifest.nodes.JPN!.http,
      user: 'analyst',
      password: analyst.password,
    });
    await c.signIn();
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
    // A second start keeps the data and plays no scenario again.
    const again = startDemo();
    await again.up;
    expect(again.output()).not.toContain('playing the scenario');
    const after = JSON.parse(readFileSync(join(demoDir, 'state.json'), 'utf8')) as typeof state;
    expect(after.scenario.koreanReport).toBe(state.scenario.koreanReport);
    expect(await again.stop()).toBe(0);
  }, 150_000);
});
